import type { CacheBus, CacheTopic } from './create-cache-bus';
import { dueForRefresh } from './refresh-ahead';

/** How long an instance reuses an account's rows without hearing of a change (as the other caches). */
const TTL_MS = 2000;
const MAX_ACCOUNTS = 10_000;

/** An account's rows of one table, cached per instance and dropped when `topic` names the account. */
export interface AccountRowsCache<T> {
  of(accountId: string): Promise<readonly T[]>;
}

/**
 * Caches `load(accountId)` per account for {@link TTL_MS}; a change invalidates through the bus
 * (`topic`, id = the account id, or `'*'` for all), so this instance forgets at once and the others
 * within milliseconds with Redis. For what every record write looks up and hardly ever changes
 * (an account's webhooks and API-defined hooks): two queries per write saved.
 */
export function createAccountRowsCache<T>(bus: CacheBus, topic: CacheTopic, load: (accountId: string) => Promise<readonly T[]>): AccountRowsCache<T> {
  const cache = new Map<string, { rows: Promise<readonly T[]>; until: number; refreshing?: boolean }>();
  bus.on(topic, (id) => (id === '*' ? cache.clear() : cache.delete(id)));

  function fetch(accountId: string): Promise<readonly T[]> {
    const rows = load(accountId);
    if (cache.size >= MAX_ACCOUNTS) cache.clear();
    const entry = { rows, until: Date.now() + TTL_MS };
    cache.set(accountId, entry);
    // A failed load is not remembered: the next caller asks the database again.
    rows.catch(() => cache.get(accountId) === entry && cache.delete(accountId));
    return rows;
  }

  return {
    of(accountId) {
      const hit = cache.get(accountId);
      const now = Date.now();
      if (hit && hit.until > now) {
        if (!hit.refreshing && dueForRefresh(hit.until, TTL_MS, now)) {
          hit.refreshing = true;
          // The fresh rows replace the entry once loaded; until then (or if the load fails,
          // until expiry) callers keep the current ones. An invalidation meanwhile wins.
          load(accountId).then(
            (rows) => {
              if (cache.get(accountId) === hit) cache.set(accountId, { rows: Promise.resolve(rows), until: Date.now() + TTL_MS });
            },
            () => undefined,
          );
        }
        return hit.rows;
      }
      return fetch(accountId);
    },
  };
}
