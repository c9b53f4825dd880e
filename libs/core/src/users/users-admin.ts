import { randomUUID } from 'node:crypto';
import { hashPassword, passwordProblems, randomToken } from '@snackbase/auth';
import type { Transaction } from 'kysely';
import { fromDbBool, fromDbJson, nowIso, type GlobalDatabase, type SnackDatabase, type SystemDatabase } from '@snackbase/db';
import { accountScope, allAccounts, tenantTable, type TenantScope, type TenantUpdate } from '@snackbase/tenancy';
import type { AuditRecorder } from '../audit';
import { revokeUserSessions } from '../auth';
import type { RequestContext } from '../context';
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

/** The columns an update may touch, as stored rows are compared in the audit log. */
const AUDITED = ['email', 'role_id', 'is_active', 'auth_provider', 'auth_provider_name', 'external_id', 'external_email', 'profile_data', 'email_verified', 'email_verified_at', 'password_hash', 'updated_at'] as const;

type UserChanges = TenantUpdate<SystemDatabase, 'users'>;

/** A user row with SQLite's 0/1 and JSON text read as the values they stand for, so diffs show real changes only. */
function auditRow(r: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...r };
  for (const k of ['is_active', 'email_verified']) if (k in out) out[k] = fromDbBool(out[k]);
  if ('profile_data' in out) out['profile_data'] = fromDbJson(out['profile_data'], null);
  return out;
}

function toResponse(r: Record<string, unknown>): UserResponse {
  return { ...(r as unknown as UserResponse), is_active: fromDbBool(r['is_active']), email_verified: fromDbBool(r['email_verified']), profile_data: fromDbJson(r['profile_data'], null) };
}

/** The signed-in caller's user id (null for anyone else), to refuse changes to oneself. */
const actorOf = (ctx: RequestContext): string | null => (ctx.principal.kind === 'user' ? ctx.principal.userId : null);

/**
 * The superadmin users API (spec §10.2). Callers check that the principal is a superadmin; a
 * superadmin cannot modify or deactivate themself here. Deactivating a user or setting a password
 * ends that user's sessions at once (the reference leaves them running: §12.1 item 4). Every
 * write is audited in its transaction with `ctx`'s principal as the actor.
 */
export function createUsersAdmin(db: SnackDatabase, audit: AuditRecorder, onSessionsRevoked: (userId: string) => void) {
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

  /**
   * Updates user `id` of `accountId` with `changes` and audits it, in one transaction; `also`
   * runs after the update and before the audit entry (which must be the last write).
   */
  async function updateAudited(ctx: RequestContext, accountId: string, id: string, changes: UserChanges, also?: (trx: Transaction<GlobalDatabase>) => Promise<void>): Promise<void> {
    await db.transaction(async (trx) => {
      const users = tenantTable(trx, accountScope(accountId), 'users');
      const before = await users.select().select([...AUDITED]).where('id', '=', id).executeTakeFirst();
      if (!before) throw notFound('User not found');
      await users.update(changes).where('id', '=', id).execute();
      await also?.(trx);
      await audit.record(trx, ctx, { operation: 'UPDATE', table: 'users', recordId: id, accountId, before: auditRow(before), after: auditRow(changes) });
    });
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
    async create(ctx: RequestContext, input: CreateUserInput): Promise<UserResponse> {
      const provider = input.auth_provider ?? 'password';
      if (provider === 'password' && !input.password) throw badRequest('Password is required for password-based authentication');
      if (provider === 'password') {
        const problems = passwordProblems(input.password ?? '');
        if (problems.length) throw validationFailed(problems);
      }
      if (!(await db.kysely.selectFrom('accounts').select('id').where('id', '=', input.account_id).executeTakeFirst())) throw notFound('Account not found');
      if (!(await roleExists(input.role_id))) throw notFound('Role not found');
      const now = nowIso();
      const row = {
        id: randomUUID(),
        email: input.email.trim().toLowerCase(),
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
      };
      await db.transaction(async (trx) => {
        const users = tenantTable(trx, accountScope(input.account_id), 'users');
        if (await users.select().select('id').where('email', '=', row.email).executeTakeFirst()) throw conflict('A user with this email already exists in the account', 'conflict', { field: 'email' });
        await users.insert(row).execute();
        await audit.record(trx, ctx, { operation: 'CREATE', table: 'users', recordId: row.id, after: auditRow({ ...row, account_id: input.account_id }) });
      });
      return get(row.id);
    },
    async update(ctx: RequestContext, id: string, input: UpdateUserInput): Promise<UserResponse> {
      if (actorOf(ctx) === id) throw forbidden('Cannot modify your own account through this endpoint');
      const owner = await ownerOf(id);
      if (input.role_id !== undefined && !(await roleExists(input.role_id))) throw notFound('Role not found');
      const { profile_data, email, ...rest } = input;
      const changes = { ...rest, ...(email !== undefined ? { email: email.trim().toLowerCase() } : {}), ...(profile_data !== undefined ? { profile_data: JSON.stringify(profile_data) } : {}), updated_at: nowIso() };
      const revoke = input.is_active === false ? (trx: Transaction<GlobalDatabase>) => revokeUserSessions(trx, owner.account_id, id) : undefined;
      await updateAudited(ctx, owner.account_id, id, changes, revoke);
      if (input.is_active === false) onSessionsRevoked(id);
      return get(id);
    },
    async setPassword(ctx: RequestContext, id: string, newPassword: string): Promise<{ message: string }> {
      const problems = passwordProblems(newPassword);
      if (problems.length) throw validationFailed(problems);
      const owner = await ownerOf(id);
      const hash = await hashPassword(newPassword);
      await updateAudited(ctx, owner.account_id, id, { password_hash: hash, updated_at: nowIso() }, async (trx) => {
        await trx.deleteFrom('password_reset_tokens').where('user_id', '=', id).execute();
        await revokeUserSessions(trx, owner.account_id, id);
      });
      onSessionsRevoked(id);
      return { message: 'Password updated successfully' };
    },
    async verify(ctx: RequestContext, id: string): Promise<{ message: string }> {
      const owner = await ownerOf(id);
      if (owner.email_verified) return { message: 'User email is already verified' };
      const now = nowIso();
      await updateAudited(ctx, owner.account_id, id, { email_verified: true, email_verified_at: now, updated_at: now });
      return { message: 'User email verified successfully' };
    },
    async deactivate(ctx: RequestContext, id: string): Promise<void> {
      if (actorOf(ctx) === id) throw forbidden('Cannot deactivate your own account');
      const owner = await ownerOf(id);
      await updateAudited(ctx, owner.account_id, id, { is_active: false, updated_at: nowIso() }, (trx) => revokeUserSessions(trx, owner.account_id, id));
      onSessionsRevoked(id);
    },
    ownerOf,
  };
}

/** The superadmin users API. */
export type UsersAdmin = ReturnType<typeof createUsersAdmin>;
