import type { SnackDatabase } from '@snackbase/db';
import { insertAccount, slugTaken } from './insert-account';

/**
 * Creates the single-tenant account (spec §0.4 step 5) when it does not exist yet. Safe when two
 * instances start together: the check and insert share one write transaction.
 */
export async function ensureSingleTenantAccount(db: SnackDatabase, account: { slug: string; name: string }): Promise<boolean> {
  return db.transaction(async (trx) => {
    if (await slugTaken(trx, account.slug)) return false;
    await insertAccount(trx, db.dialect, account);
    return true;
  });
}
