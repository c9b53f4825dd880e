import { randomUUID } from 'node:crypto';
import { hashPassword, passwordProblems, randomToken } from '@snackbase/auth';
import { fromDbBool, fromDbJson, nowIso, type SnackDatabase } from '@snackbase/db';
import { accountScope, allAccounts, tenantTable, type TenantScope } from '@snackbase/tenancy';
import { revokeUserSessions } from '../auth';
import { badRequest, conflict, forbidden, notFound, validationFailed } from '../errors';

/** A user as the superadmin users API returns it (spec §10.2). */
export interface UserResponse {
  id: string;
  email: string;
  account_id: string;
  account_code: string;
  account_name: string;
  role_id: number;
  role_name: string;
  is_active: boolean;
  auth_provider: string;
  auth_provider_name: string | null;
  external_id: string | null;
  external_email: string | null;
  profile_data: unknown;
  email_verified: boolean;
  email_verified_at: string | null;
  created_at: string;
  last_login: string | null;
}

export interface CreateUserInput {
  email: string;
  password?: string;
  account_id: string;
  role_id: number;
  is_active?: boolean;
  auth_provider?: 'password' | 'oauth' | 'saml';
  auth_provider_name?: string;
  external_id?: string;
  external_email?: string;
  profile_data?: Record<string, unknown>;
}

export type UpdateUserInput = Partial<Pick<CreateUserInput, 'email' | 'role_id' | 'is_active' | 'auth_provider' | 'auth_provider_name' | 'external_id' | 'external_email' | 'profile_data'>>;

export interface UserListQuery {
  account_id?: string;
  role_id?: number;
  is_active?: boolean;
  search?: string;
  skip: number;
  limit: number;
  sort: string;
}

const SORTABLE = new Set(['email', 'created_at', 'last_login', 'is_active', 'role_id', 'account_id']);
const COLUMNS = ['users.id', 'users.email', 'users.account_id', 'accounts.account_code', 'accounts.name as account_name', 'users.role_id', 'roles.name as role_name', 'users.is_active', 'users.auth_provider', 'users.auth_provider_name', 'users.external_id', 'users.external_email', 'users.profile_data', 'users.email_verified', 'users.email_verified_at', 'users.created_at', 'users.last_login'] as const;

function toResponse(r: Record<string, unknown>): UserResponse {
  return { ...(r as unknown as UserResponse), is_active: fromDbBool(r['is_active']), email_verified: fromDbBool(r['email_verified']), profile_data: fromDbJson(r['profile_data'], null) };
}

/**
 * The superadmin users API (spec §10.2). Callers check that the principal is a superadmin; a
 * superadmin cannot modify or deactivate themself here. Deactivating a user or setting a password
 * ends that user's sessions at once (the reference leaves them running: §12.1 item 4).
 */
export function createUsersAdmin(db: SnackDatabase, onSessionsRevoked: (userId: string) => void) {
  const joined = (scope: TenantScope) =>
    tenantTable(db.kysely, scope, 'users').select().innerJoin('roles', 'roles.id', 'users.role_id').innerJoin('accounts', 'accounts.id', 'users.account_id').select([...COLUMNS]);

  async function get(id: string): Promise<UserResponse> {
    const row = await joined(allAccounts('superadmin users API')).where('users.id', '=', id).executeTakeFirst();
    if (!row) throw notFound('User not found');
    return toResponse(row);
  }

  async function ownerOf(id: string): Promise<{ account_id: string; email: string; email_verified: boolean }> {
    const row = await tenantTable(db.kysely, allAccounts('superadmin users API'), 'users').select().select(['account_id', 'email', 'email_verified']).where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('User not found');
    return { ...row, email_verified: fromDbBool(row.email_verified) };
  }

  async function roleExists(roleId: number): Promise<boolean> {
    return (await db.kysely.selectFrom('roles').select('id').where('id', '=', roleId).executeTakeFirst()) !== undefined;
  }

  return {
    get,
    async list(q: UserListQuery): Promise<{ total: number; items: UserResponse[] }> {
      let base = joined(allAccounts('superadmin users API'));
      if (q.account_id) base = base.where('users.account_id', '=', q.account_id);
      if (q.role_id !== undefined) base = base.where('users.role_id', '=', q.role_id);
      if (q.is_active !== undefined) base = base.where('users.is_active', '=', q.is_active);
      if (q.search) base = base.where('users.email', 'like', `%${q.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      const total = Number((await base.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
      const desc = q.sort.startsWith('-');
      const column = q.sort.replace(/^[-+]/, '');
      const rows = await base
        .orderBy(`users.${SORTABLE.has(column) ? column : 'created_at'}` as 'users.created_at', desc ? 'desc' : 'asc')
        .orderBy('users.id')
        .limit(q.limit)
        .offset(q.skip)
        .execute();
      return { total, items: rows.map(toResponse) };
    },
    async create(input: CreateUserInput): Promise<UserResponse> {
      const provider = input.auth_provider ?? 'password';
      if (provider === 'password' && !input.password) throw badRequest('Password is required for password-based authentication');
      if (provider === 'password') {
        const problems = passwordProblems(input.password ?? '');
        if (problems.length) throw validationFailed(problems);
      }
      if (!(await db.kysely.selectFrom('accounts').select('id').where('id', '=', input.account_id).executeTakeFirst())) throw notFound('Account not found');
      if (!(await roleExists(input.role_id))) throw notFound('Role not found');
      const id = randomUUID();
      const now = nowIso();
      const email = input.email.trim().toLowerCase();
      const users = tenantTable(db.kysely, accountScope(input.account_id), 'users');
      if (await users.select().select('id').where('email', '=', email).executeTakeFirst()) throw conflict('A user with this email already exists in the account', 'conflict', { field: 'email' });
      await users
        .insert({
          id,
          email,
          password_hash: await hashPassword(provider === 'password' ? (input.password as string) : randomToken(32)),
          role_id: input.role_id,
          is_active: input.is_active ?? true,
          email_verified: false,
          auth_provider: provider,
          auth_provider_name: input.auth_provider_name ?? null,
          external_id: input.external_id ?? null,
          external_email: input.external_email ?? null,
          profile_data: input.profile_data ? JSON.stringify(input.profile_data) : null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      return get(id);
    },
    async update(actorId: string, id: string, input: UpdateUserInput): Promise<UserResponse> {
      if (actorId === id) throw forbidden('Cannot modify your own account through this endpoint');
      const owner = await ownerOf(id);
      if (input.role_id !== undefined && !(await roleExists(input.role_id))) throw notFound('Role not found');
      const { profile_data, email, ...rest } = input;
      const changes = { ...rest, ...(email !== undefined ? { email: email.trim().toLowerCase() } : {}), ...(profile_data !== undefined ? { profile_data: JSON.stringify(profile_data) } : {}), updated_at: nowIso() };
      await db.transaction(async (trx) => {
        await tenantTable(trx, accountScope(owner.account_id), 'users').update(changes).where('id', '=', id).execute();
        if (input.is_active === false) await revokeUserSessions(trx, owner.account_id, id);
      });
      if (input.is_active === false) onSessionsRevoked(id);
      return get(id);
    },
    async setPassword(id: string, newPassword: string): Promise<{ message: string }> {
      const problems = passwordProblems(newPassword);
      if (problems.length) throw validationFailed(problems);
      const owner = await ownerOf(id);
      const hash = await hashPassword(newPassword);
      await db.transaction(async (trx) => {
        await tenantTable(trx, accountScope(owner.account_id), 'users').update({ password_hash: hash, updated_at: nowIso() }).where('id', '=', id).execute();
        await trx.deleteFrom('password_reset_tokens').where('user_id', '=', id).execute();
        await revokeUserSessions(trx, owner.account_id, id);
      });
      onSessionsRevoked(id);
      return { message: 'Password updated successfully' };
    },
    async verify(id: string): Promise<{ message: string }> {
      const owner = await ownerOf(id);
      if (owner.email_verified) return { message: 'User email is already verified' };
      const now = nowIso();
      await tenantTable(db.kysely, accountScope(owner.account_id), 'users').update({ email_verified: true, email_verified_at: now, updated_at: now }).where('id', '=', id).execute();
      return { message: 'User email verified successfully' };
    },
    async deactivate(actorId: string, id: string): Promise<void> {
      if (actorId === id) throw forbidden('Cannot deactivate your own account');
      const owner = await ownerOf(id);
      await db.transaction(async (trx) => {
        await tenantTable(trx, accountScope(owner.account_id), 'users').update({ is_active: false, updated_at: nowIso() }).where('id', '=', id).execute();
        await revokeUserSessions(trx, owner.account_id, id);
      });
      onSessionsRevoked(id);
    },
    ownerOf,
  };
}

/** The superadmin users API. */
export type UsersAdmin = ReturnType<typeof createUsersAdmin>;
