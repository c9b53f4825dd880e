import type { Kysely } from 'kysely';
import type { GlobalDatabase } from '@snackbase/db';
import { SYSTEM_ACCOUNT_CODE } from '@snackbase/tenancy';

/** The system account holds superadmins and system-level configuration (spec §0.1). */
export const SYSTEM_ACCOUNT_ID = '00000000-0000-0000-0000-000000000000';
export const SYSTEM_ACCOUNT_SLUG = 'system';

/** The system account row as {@link ensureSystemAccount} inserts it. */
export const SYSTEM_ACCOUNT_ROW = Object.freeze({ id: SYSTEM_ACCOUNT_ID, account_code: SYSTEM_ACCOUNT_CODE, slug: SYSTEM_ACCOUNT_SLUG, name: 'SnackBase System' });

/**
 * Creates the system account when absent (idempotent, safe when two instances race); true when
 * this call inserted it.
 */
export async function ensureSystemAccount(trx: Kysely<GlobalDatabase>): Promise<boolean> {
  const result = await trx
    .insertInto('accounts')
    .values({ ...SYSTEM_ACCOUNT_ROW })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}
