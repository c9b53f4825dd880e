import type { Kysely } from 'kysely';
import type { GlobalDatabase } from '@snackbase/db';
import { SYSTEM_ACCOUNT_CODE } from '@snackbase/tenancy';

/** The system account holds superadmins and system-level configuration (spec §0.1). */
export const SYSTEM_ACCOUNT_ID = '00000000-0000-0000-0000-000000000000';
export const SYSTEM_ACCOUNT_SLUG = 'system';

/** Creates the system account when absent (idempotent, safe when two instances race). */
export async function ensureSystemAccount(trx: Kysely<GlobalDatabase>): Promise<void> {
  await trx
    .insertInto('accounts')
    .values({ id: SYSTEM_ACCOUNT_ID, account_code: SYSTEM_ACCOUNT_CODE, slug: SYSTEM_ACCOUNT_SLUG, name: 'SnackBase System' })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}
