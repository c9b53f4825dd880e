import { randomUUID } from 'node:crypto';
import { hashPassword, passwordProblems } from '@snackbase/auth';
import { nowIso, type SnackDatabase } from '@snackbase/db';
import { accountScope, deriveSlug, slugProblem, tenantTable } from '@snackbase/tenancy';
import type { Logger } from '../logging';
import { insertAccount, slugTaken } from '../accounts';
import type { AuditChange, AuditRecorder } from '../audit';
import type { RequestContext } from '../context';
import { conflict, validationFailed } from '../errors';
import type { IdentityMailer } from './identity-mailer';
import { finishRegistration, type RegistrationAnswer } from './verify-email';

/** `POST /auth/register` body (spec §2.2). */
export interface RegisterInput {
  readonly email: string;
  readonly password: string;
  readonly account_name?: string;
  readonly account_slug?: string;
}

/** `POST /auth/register` answer: no tokens until the email is verified. */
export type RegisterResult = RegistrationAnswer;

const ADMIN_ROLE_ID = 1;
const SLUG_CODES: Record<string, string> = { between: 'slug_too_short', letter: 'slug_invalid_start', lowercase: 'slug_invalid_chars' };

function slugDetail(slug: string) {
  const problem = slugProblem(slug, 'registration');
  if (!problem) return [];
  const code = slug.length > 32 ? 'slug_too_long' : (Object.entries(SLUG_CODES).find(([k]) => problem.includes(k))?.[1] ?? 'slug_invalid_chars');
  return [{ field: 'account_slug', message: problem, code }];
}

/** What registration needs. */
export interface RegisterDeps {
  readonly db: SnackDatabase;
  readonly mail: IdentityMailer;
  readonly logger: Logger;
  readonly audit: AuditRecorder;
}

/**
 * Multi-tenant registration (spec §2.2): a new account, its first user (role admin, unverified)
 * and the account's `pii_access` group with that user in it, all in one transaction with their
 * audit entries (actor: `ctx`'s principal, anonymous for a sign-up); then the verification mail,
 * whose failure is logged and does not undo the registration.
 */
export async function register(ctx: RequestContext, deps: RegisterDeps, input: RegisterInput): Promise<RegisterResult> {
  const { db } = deps;
  const email = input.email.trim().toLowerCase();
  const name = input.account_name?.trim() ?? '';
  const slug = input.account_slug !== undefined ? input.account_slug.trim().toLowerCase() : deriveSlug(name);
  const problems = [
    ...passwordProblems(input.password),
    ...(name ? [] : [{ field: 'account_name', message: 'Account name is required', code: 'required' }]),
    ...(name && input.account_slug !== undefined ? slugDetail(slug) : []),
  ];
  if (problems.length) throw validationFailed(problems);
  const passwordHash = await hashPassword(input.password);
  const { account, user } = await db.transaction(async (trx) => {
    if (await slugTaken(trx, slug)) throw conflict('An account with this slug already exists', 'conflict', { field: 'account_slug' });
    const account = await insertAccount(trx, db.dialect, { name, slug });
    const scope = accountScope(account.id);
    const now = nowIso();
    const user = { id: randomUUID(), email, created_at: now };
    const userRow = { ...user, password_hash: passwordHash, role_id: ADMIN_ROLE_ID, is_active: true, email_verified: false, updated_at: now };
    await tenantTable(trx, scope, 'users').insert(userRow).execute();
    const group = { id: randomUUID(), name: 'pii_access', description: 'Users in this group can view unmasked PII data', created_at: now, updated_at: now };
    await tenantTable(trx, scope, 'groups').insert(group).execute();
    // users_groups has no account_id: both ends were just created inside this scope.
    const membership = { user_id: user.id, group_id: group.id };
    await trx.insertInto('users_groups').values(membership).execute();
    const changes: AuditChange[] = [
      { operation: 'CREATE', table: 'accounts', recordId: account.id, accountId: account.id, after: { ...account } },
      { operation: 'CREATE', table: 'users', recordId: user.id, accountId: account.id, after: { ...userRow, account_id: account.id } },
      { operation: 'CREATE', table: 'groups', recordId: group.id, accountId: account.id, after: { ...group, account_id: account.id } },
      { operation: 'CREATE', table: 'users_groups', recordId: `${user.id}:${group.id}`, accountId: account.id, after: membership },
    ];
    for (const change of changes) await deps.audit.record(trx, ctx, change);
    return { account, user };
  });
  return finishRegistration(deps, account, { id: user.id, email, role: 'admin', created_at: user.created_at }, ctx.requestId);
}
