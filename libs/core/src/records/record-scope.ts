import type { SnackDatabase } from '@snackbase/db';
import { accountScope, allAccounts, type TenantScope } from '@snackbase/tenancy';
import type { RequestContext } from '../context';
import { AppError, badRequest } from '../errors';

/** How long an account's slug/code → id answer is reused (accounts are renamed rarely). */
const TTL_MS = 30_000;

/**
 * Whose records a request may touch (spec §4.1): a signed-in caller's own account; a superadmin
 * every account; an anonymous caller the account named by `X-Account-ID` (slug or code), which
 * is ignored once a token is present.
 */
export interface RecordScopes {
  /** @throws AppError 400 when an anonymous caller names no account, 404 when it does not exist. */
  scopeOf(ctx: RequestContext, accountHeader: string | undefined): Promise<TenantScope>;
  /** The account id of a slug or code, or undefined. */
  accountIdOf(slugOrCode: string): Promise<string | undefined>;
}

export function createRecordScopes(db: SnackDatabase): RecordScopes {
  const cache = new Map<string, { id: string | undefined; until: number }>();
  const accountIdOf = async (key: string): Promise<string | undefined> => {
    const hit = cache.get(key);
    if (hit && hit.until > Date.now()) return hit.id;
    const row = await db.kysely
      .selectFrom('accounts')
      .select('id')
      .where((eb) => eb.or([eb('slug', '=', key.toLowerCase()), eb('account_code', '=', key.toUpperCase())]))
      .executeTakeFirst();
    if (cache.size > 10_000) cache.clear();
    // Unknown names are cached too (briefly), so probing costs one query per name per TTL.
    cache.set(key, { id: row?.id, until: Date.now() + (row ? TTL_MS : 2000) });
    return row?.id;
  };
  return {
    accountIdOf,
    async scopeOf(ctx, accountHeader) {
      const p = ctx.principal;
      if (p.kind === 'user') return p.isSuperadmin ? allAccounts('superadmin works on records of every account') : accountScope(p.accountId);
      const name = accountHeader?.trim();
      if (!name) throw badRequest('X-Account-ID header is required for unauthenticated requests');
      const id = await accountIdOf(name);
      if (!id) throw new AppError(404, 'not_found', 'Not found', `Account '${name.slice(0, 64)}' not found`);
      return accountScope(id);
    },
  };
}
