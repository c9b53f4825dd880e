import type { SnackDatabase } from '@snackbase/db';
import { accountScope, tenantTable } from '@snackbase/tenancy';
import type { CacheBus } from '../cache-bus';
import { dueForRefresh } from '../cache-bus/refresh-ahead';

/** How long this instance reuses a user's group names without hearing of a change. */
const TTL_MS = 2000;
const MAX_ENTRIES = 10_000;

/**
 * The names of the groups a user belongs to, for `@has_group(...)` and the `pii_access` check
 * (spec §12.2 item 17: membership has to reach the request). Cached per user for a short time;
 * membership changes invalidate through the bus (every instance, with Redis).
 */
export interface CallerGroups {
  of(accountId: string, userId: string): Promise<readonly string[]>;
}

export function createCallerGroups(deps: { db: SnackDatabase; bus: CacheBus }): CallerGroups {
  const cache = new Map<string, { groups: readonly string[]; until: number; refreshing?: boolean }>();
  // Bumped by every invalidation: a load that started before it must not cache its result.
  let generation = 0;
  deps.bus.on('group-members', (id) => {
    // A group changed (rename, delete, membership): the id names a user or '*' for everyone.
    generation += 1;
    if (id === '*') cache.clear();
    else cache.delete(id);
  });

  async function load(accountId: string, userId: string): Promise<readonly string[]> {
    const started = generation;
    const rows = await tenantTable(deps.db.kysely, accountScope(accountId), 'groups')
      .select()
      .innerJoin('users_groups', 'users_groups.group_id', 'groups.id')
      .select('groups.name')
      .where('users_groups.user_id', '=', userId)
      .execute();
    const groups = Object.freeze(rows.map((r) => r.name));
    if (started !== generation) return groups;
    if (cache.size >= MAX_ENTRIES) cache.clear();
    cache.set(userId, { groups, until: Date.now() + TTL_MS });
    return groups;
  }

  return {
    async of(accountId, userId) {
      const hit = cache.get(userId);
      const now = Date.now();
      if (hit && hit.until > now) {
        if (!hit.refreshing && dueForRefresh(hit.until, TTL_MS, now)) {
          hit.refreshing = true;
          load(accountId, userId).catch(() => undefined);
        }
        return hit.groups;
      }
      return load(accountId, userId);
    },
  };
}
