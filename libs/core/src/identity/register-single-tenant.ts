import { randomUUID } from 'node:crypto';
import { hashPassword, passwordProblems } from '@snackbase/auth';
import { nowIso } from '@snackbase/db';
import { accountScope, tenantTable } from '@snackbase/tenancy';
import type { RequestContext } from '../context';
import { conflict, notFound, validationFailed } from '../errors';
import type { RegisterDeps, RegisterInput, RegisterResult } from './register';
import { finishRegistration } from './verify-email';

const USER_ROLE_ID = 2;

/**
 * Single-tenant registration (spec §2.2): the new user joins the configured account with role
 * `user`; `account_name`/`account_slug` are ignored and no group is created. Audited like
 * {@link register}.
 */
export async function registerSingleTenant(ctx: RequestContext, deps: RegisterDeps, slug: string, input: RegisterInput): Promise<RegisterResult> {
  const { db } = deps;
  const problems = passwordProblems(input.password);
  if (problems.length) throw validationFailed(problems);
  const email = input.email.trim().toLowerCase();
  const account = await db.kysely.selectFrom('accounts').select(['id', 'slug', 'name', 'created_at']).where('slug', '=', slug).executeTakeFirst();
  if (!account) throw notFound('Configured single-tenant account not found. Contact administrator.');
  const passwordHash = await hashPassword(input.password);
  const now = nowIso();
  const user = { id: randomUUID(), email, created_at: now };
  await db.transaction(async (trx) => {
    const users = tenantTable(trx, accountScope(account.id), 'users');
    if (await users.select().select('id').where('email', '=', email).executeTakeFirst()) {
      throw conflict('An account with this email already exists', 'conflict', { field: 'email' });
    }
    const row = { ...user, password_hash: passwordHash, role_id: USER_ROLE_ID, is_active: true, email_verified: false, updated_at: now };
    await users.insert(row).execute();
    await deps.audit.record(trx, ctx, { operation: 'CREATE', table: 'users', recordId: user.id, accountId: account.id, after: { ...row, account_id: account.id } });
  });
  return finishRegistration(deps, account, { id: user.id, email, role: 'user', created_at: now }, ctx.requestId);
}
