import { randomUUID } from 'node:crypto';
import { hashPassword, passwordProblems } from '@snackbase/auth';
import { nowIso, type SnackDatabase } from '@snackbase/db';
import { accountScope, tenantTable } from '@snackbase/tenancy';
import { conflict, validationFailed } from '../errors';
import { ensureSystemAccount, SYSTEM_ACCOUNT_ID } from './system-account';

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
 * `force`, which sets the new password instead.
 */
export async function createSuperadmin(
  db: SnackDatabase,
  input: { email: string; password: string; force?: boolean },
): Promise<SuperadminResult> {
  const email = input.email.trim().toLowerCase();
  const problems = [
    ...(EMAIL.test(email) ? [] : [{ field: 'email', message: 'A valid email address is required', code: 'invalid_email' }]),
    ...passwordProblems(input.password),
  ];
  if (problems.length) throw validationFailed(problems, 'Superadmin could not be created');
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (trx) => {
    await ensureSystemAccount(trx);
    const users = systemUsers(trx);
    const existing = await users.select().select('id').where('email', '=', email).executeTakeFirst();
    if (existing) {
      if (!input.force) throw conflict(`A superadmin with email ${email} already exists`, 'conflict', { field: 'email' });
      await users.update({ password_hash: passwordHash, is_active: true, updated_at: nowIso() }).where('id', '=', existing.id).execute();
      return { id: existing.id, email, created: false };
    }
    const id = randomUUID();
    const now = nowIso();
    await users
      .insert({ id, email, password_hash: passwordHash, role_id: ADMIN_ROLE_ID, is_active: true, email_verified: true, email_verified_at: now, created_at: now, updated_at: now })
      .execute();
    return { id, email, created: true };
  });
}
