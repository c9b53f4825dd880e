import type { SnackDatabase } from '@snackbase/db';
import type { AuditRecorder } from '../audit';
import type { RequestContext } from '../context';
import { insertAccount, slugTaken } from './insert-account';

/**
 * Creates the single-tenant account (spec §0.4 step 5) when it does not exist yet, audited. Safe
 * when two instances start together: the check and insert share one write transaction.
 */
export async function ensureSingleTenantAccount(
  ctx: RequestContext,
  deps: { db: SnackDatabase; audit: AuditRecorder },
  account: { slug: string; name: string },
): Promise<boolean> {
  return deps.db.transaction(async (trx) => {
    if (await slugTaken(trx, account.slug)) return false;
    const row = await insertAccount(trx, deps.db.dialect, account);
    await deps.audit.record(trx, ctx, { operation: 'CREATE', table: 'accounts', recordId: row.id, accountId: row.id, after: { ...row } });
    return true;
  });
}
