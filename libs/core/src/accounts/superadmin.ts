import { randomUUID } from 'node:crypto';
import { hashPassword, passwordProblems } from '@snackbase/auth';
import { fromDbBool, nowIso, type SnackDatabase } from '@snackbase/db';
import { accountScope, tenantTable } from '@snackbase/tenancy';
import type { AuditChange, AuditRecorder } from '../audit';
import type { RequestContext } from '../context';
import { conflict, validationFailed } from '../errors';
import { ensureSystemAccount, SYSTEM_ACCOUNT_ID, SYSTEM_ACCOUNT_ROW } from './system-account';

const ADMIN_ROLE_ID = 1;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** What `createSuperadmin` did. */
export interface SuperadminResult {
  readonly id: string;
  readonly email: string;
  readonly created: boolean;
}

function systemUsers(db: SnackDatabase['kysely']) {
  return tenantTable(db, accountScope(SYSTEM_ACCOUNT_ID), 'users');
}

/** True when at least one active superadmin exists. */
export async function hasSuperadmin(db: SnackDatabase): Promise<boolean> {
  const row = await systemUsers(db.kysely).select().select('id').limit(1).executeTakeFirst();
  return row !== undefined;
}

/**
 * Creates a verified superadmin in the system account (creating that account first). The
 * password must meet the policy. An existing superadmin with that email is a 409 unless
 * `force`, which sets the new password instead. Audited with `ctx`'s principal (the CLI and
 * start-up pass a {@link systemContext}); the hash is stored redacted.
 * @example await createSuperadmin(systemContext('cli'), core, { email: 'root@example.com', password })
 */
export async function createSuperadmin(
  ctx: RequestContext,
  deps: { db: SnackDatabase; audit: AuditRecorder },
  input: { email: string; password: string; force?: boolean },
): Promise<SuperadminResult> {
  const email = input.email.trim().toLowerCase();
  const problems = [
    ...(EMAIL.test(email) ? [] : [{ field: 'email', message: 'A valid email address is required', code: 'invalid_email' }]),
    ...passwordProblems(input.password),
  ];
  if (problems.length) throw validationFailed(problems, 'Superadmin could not be created');
  const passwordHash = await hashPassword(input.password);
  return deps.db.transaction(async (trx) => {
    const changes: AuditChange[] = [];
    if (await ensureSystemAccount(trx)) changes.push({ operation: 'CREATE', table: 'accounts', recordId: SYSTEM_ACCOUNT_ID, accountId: SYSTEM_ACCOUNT_ID, after: SYSTEM_ACCOUNT_ROW });
    const users = systemUsers(trx);
    const existing = await users.select().select(['id', 'password_hash', 'is_active', 'updated_at']).where('email', '=', email).executeTakeFirst();
    let result: SuperadminResult;
    if (existing) {
      if (!input.force) throw conflict(`A superadmin with email ${email} already exists`, 'conflict', { field: 'email' });
      const after = { password_hash: passwordHash, is_active: true, updated_at: nowIso() };
      await users.update(after).where('id', '=', existing.id).execute();
      const before = { ...existing, is_active: fromDbBool(existing.is_active) };
      changes.push({ operation: 'UPDATE', table: 'users', recordId: existing.id, accountId: SYSTEM_ACCOUNT_ID, before, after });
      result = { id: existing.id, email, created: false };
    } else {
      const now = nowIso();
      const row = { id: randomUUID(), email, password_hash: passwordHash, role_id: ADMIN_ROLE_ID, is_active: true, email_verified: true, email_verified_at: now, created_at: now, updated_at: now };
      await users.insert(row).execute();
      changes.push({ operation: 'CREATE', table: 'users', recordId: row.id, accountId: SYSTEM_ACCOUNT_ID, after: { ...row, account_id: SYSTEM_ACCOUNT_ID } });
      result = { id: row.id, email, created: true };
    }
    for (const change of changes) await deps.audit.record(trx, ctx, change);
    return result;
  });
}
