import { hashToken } from '@snackbase/auth';
import { fromDbBool, nowIso, type SnackDatabase } from '@snackbase/db';
import { accountScope, allAccounts, tenantTable } from '@snackbase/tenancy';
import { isSuperadminAccount, type Principal } from '../auth';
import type { Logger } from '../logging';
import { isApiKeyFormat } from './api-key-format';

/** A principal that authenticated with an API key. */
export type ApiKeyPrincipal = Extract<Principal, { kind: 'user' }> & { readonly via: 'api_key'; readonly apiKeyId: string };

/** How long a positive answer may be reused by this process before asking the database again. */
const TTL_MS = 2000;
/** `last_used_at` is written at most once per this interval per key, not once per request. */
export const LAST_USED_RESOLUTION_MS = 60_000;
const MAX_ENTRIES = 10_000;

/**
 * Answers "whose key is this?" for every request that carries one. A key works while its row is
 * active and unexpired, its owner is still an active superadmin (spec §2.7: keys are
 * superadmin-only, and the key never gains more than its owner). Positive answers are cached for
 * {@link TTL_MS} (never past the key's expiry); revoking a key or deactivating its owner in this
 * process invalidates them at once, other processes catch up within the TTL.
 */
export interface ApiKeyCheck {
  /** The key's owner as a principal, or `null` for an unknown, revoked, expired or orphaned key. */
  authenticate(key: string): Promise<ApiKeyPrincipal | null>;
  forgetKey(keyId: string): void;
  forgetUser(userId: string): void;
}

export function createApiKeyCheck(deps: { db: SnackDatabase; logger: Logger }): ApiKeyCheck {
  const { db } = deps;
  const cache = new Map<string, { principal: ApiKeyPrincipal; until: number }>();
  const touchedAt = new Map<string, number>();

  async function lookup(keyHash: string): Promise<{ principal: ApiKeyPrincipal; expiresMs: number } | undefined> {
    const row = await tenantTable(db.kysely, allAccounts('api key lookup by hash'), 'api_keys')
      .select()
      .select(['id', 'account_id', 'user_id', 'expires_at', 'is_active'])
      .where('key_hash', '=', keyHash)
      .executeTakeFirst();
    if (!row || !fromDbBool(row.is_active) || !isSuperadminAccount(row.account_id)) return undefined;
    const expiresMs = row.expires_at ? Date.parse(row.expires_at) : Number.POSITIVE_INFINITY;
    if (!(expiresMs > Date.now())) return undefined;
    const owner = await tenantTable(db.kysely, accountScope(row.account_id), 'users')
      .select()
      .innerJoin('roles', 'roles.id', 'users.role_id')
      .select(['users.email', 'users.is_active', 'roles.name as role'])
      .where('users.id', '=', row.user_id)
      .executeTakeFirst();
    if (!owner || !fromDbBool(owner.is_active)) return undefined;
    const principal: ApiKeyPrincipal = {
      kind: 'user',
      userId: row.user_id,
      accountId: row.account_id,
      email: owner.email,
      role: owner.role,
      sessionId: `api_key:${row.id}`,
      isSuperadmin: true,
      via: 'api_key',
      apiKeyId: row.id,
    };
    return { principal, expiresMs };
  }

  // Bounded bookkeeping: at most one write per key per interval in this process, and the
  // conditional update keeps several processes from writing more often either. A failed write
  // must not fail the request it rides on.
  async function touch(keyId: string, accountId: string): Promise<void> {
    const now = Date.now();
    if (now - (touchedAt.get(keyId) ?? 0) < LAST_USED_RESOLUTION_MS) return;
    if (touchedAt.size > MAX_ENTRIES) touchedAt.clear();
    touchedAt.set(keyId, now);
    const cutoff = new Date(now - LAST_USED_RESOLUTION_MS).toISOString();
    try {
      await tenantTable(db.kysely, accountScope(accountId), 'api_keys')
        .update({ last_used_at: nowIso() })
        .where('id', '=', keyId)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', cutoff)]))
        .execute();
    } catch (e) {
      deps.logger.warn('api key last_used_at update failed', { keyId, error: (e as Error).message });
    }
  }

  return {
    async authenticate(key) {
      if (!isApiKeyFormat(key)) return null;
      const keyHash = hashToken(key);
      const hit = cache.get(keyHash);
      let principal = hit && hit.until > Date.now() ? hit.principal : undefined;
      if (!principal) {
        const found = await lookup(keyHash);
        if (!found) {
          cache.delete(keyHash);
          return null;
        }
        if (cache.size > MAX_ENTRIES) cache.clear();
        cache.set(keyHash, { principal: found.principal, until: Math.min(Date.now() + TTL_MS, found.expiresMs) });
        principal = found.principal;
      }
      await touch(principal.apiKeyId, principal.accountId);
      return principal;
    },
    forgetKey(keyId) {
      for (const [hash, entry] of cache) if (entry.principal.apiKeyId === keyId) cache.delete(hash);
    },
    forgetUser(userId) {
      for (const [hash, entry] of cache) if (entry.principal.userId === userId) cache.delete(hash);
    },
  };
}
