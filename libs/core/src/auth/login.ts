import { randomUUID } from 'node:crypto';
import { verifyDummyPassword, verifyPassword, type TokenSigner } from '@snackbase/auth';
import { fromDbBool, nowIso, type SnackDatabase } from '@snackbase/db';
import { accountScope, isAccountCode, tenantTable } from '@snackbase/tenancy';
import type { AuditRecorder } from '../audit';
import type { RequestContext } from '../context';
import { AppError, unauthorized, validationFailed } from '../errors';
import { issueTokens, type IssuedTokens } from './issue-session';

/** `POST /auth/login` body (spec §2.3). */
export interface LoginInput {
  readonly account?: string;
  readonly email: string;
  readonly password: string;
}

/** `POST /auth/login` answer (spec §2.3). */
export interface LoginResult extends IssuedTokens {
  readonly account: { readonly id: string; readonly slug: string; readonly name: string; readonly created_at: string };
  readonly user: { readonly id: string; readonly email: string; readonly role: string; readonly is_active: boolean; readonly created_at: string };
}

/** One body for unknown account, unknown user, wrong password and inactive user: no oracle. */
const invalidCredentials = () => unauthorized('Invalid credentials', 'invalid_credentials');

/** The account an identifier names: an account code (`XX####`, any case) or else a slug. */
export async function findAccount(db: SnackDatabase, identifier: string) {
  const q = db.kysely.selectFrom('accounts').select(['id', 'slug', 'name', 'created_at']);
  const upper = identifier.toUpperCase();
  if (isAccountCode(upper)) {
    const byCode = await q.where('account_code', '=', upper).executeTakeFirst();
    if (byCode) return byCode;
  }
  return q.where('slug', '=', identifier.toLowerCase()).executeTakeFirst();
}

/** What a login needs. */
export interface LoginDeps {
  readonly db: SnackDatabase;
  readonly signer: TokenSigner;
  readonly audit: AuditRecorder;
}

/**
 * Email/password login (spec §2.3) with the reference's weaknesses fixed: the same 401 for
 * every credential failure, a dummy Argon2 verification on every not-found path so timing
 * reveals nothing, the inactive check after the password check. A successful login is audited
 * as an UPDATE of `users.last_login` (actor: `ctx`'s principal, anonymous for the login route);
 * failed logins write nothing to the audit chain (they are counted by the brute-force limiter).
 */
export async function login(ctx: RequestContext, deps: LoginDeps, input: LoginInput, singleTenantSlug?: string): Promise<LoginResult> {
  const { db, signer } = deps;
  // In single-tenant mode the account is optional: everyone signs in to the configured one.
  const identifier = input.account?.trim() || singleTenantSlug;
  if (!identifier) {
    throw validationFailed([{ field: 'account', message: 'Account is required in multi-tenant mode', code: 'required' }]);
  }
  const account = await findAccount(db, identifier);
  if (!account) {
    await verifyDummyPassword(input.password);
    throw invalidCredentials();
  }
  const email = input.email.trim().toLowerCase();
  const user = await tenantTable(db.kysely, accountScope(account.id), 'users')
    .select()
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .select(['users.id', 'users.email', 'users.password_hash', 'users.is_active', 'users.email_verified', 'users.auth_provider', 'users.auth_provider_name', 'users.created_at', 'users.last_login', 'roles.name as role'])
    .where('users.email', '=', email)
    .executeTakeFirst();
  if (!user) {
    await verifyDummyPassword(input.password);
    throw invalidCredentials();
  }
  if (user.auth_provider !== 'password') {
    const oauth = user.auth_provider === 'oauth';
    throw new AppError(400, 'bad_request', 'Wrong authentication method', `This account uses ${oauth ? 'OAuth' : 'SAML'} authentication. Please use the ${oauth ? 'OAuth login' : 'SSO'} flow.`, undefined, {
      auth_provider: user.auth_provider,
      provider_name: user.auth_provider_name,
      redirect_url: `/api/v1/auth/${oauth ? 'oauth' : 'saml'}/${user.auth_provider_name}/${oauth ? 'authorize' : 'login'}`,
    });
  }
  if (!(await verifyPassword(user.password_hash, input.password)) || !fromDbBool(user.is_active)) throw invalidCredentials();
  if (!fromDbBool(user.email_verified)) throw unauthorized('Email not verified. Please check your email inbox.', 'unauthorized');

  const tokens = await db.transaction(async (trx) => {
    const after = { last_login: nowIso() };
    await tenantTable(trx, accountScope(account.id), 'users').update(after).where('id', '=', user.id).execute();
    const issued = await issueTokens(trx, signer, { userId: user.id, accountId: account.id, email: user.email, role: user.role }, randomUUID());
    await deps.audit.record(trx, ctx, { operation: 'UPDATE', table: 'users', recordId: user.id, accountId: account.id, before: { last_login: user.last_login }, after });
    return issued;
  });
  return {
    token: tokens.token,
    refresh_token: tokens.refresh_token,
    expires_in: tokens.expires_in,
    account: { id: account.id, slug: account.slug, name: account.name, created_at: account.created_at },
    user: { id: user.id, email: user.email, role: user.role, is_active: true, created_at: user.created_at },
  };
}
