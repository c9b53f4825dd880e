import type { SnackDatabase } from '@snackbase/db';
import { accountScope, tenantTable } from '@snackbase/tenancy';
import type { CacheBus } from '../cache-bus';

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
  const cache = new Map<string, { groups: readonly string[]; until: number }>();
  deps.bus.on('group-members', (id) => {
    // A group changed (rename, delete, membership): the id names a user or '*' for everyone.
    if (id === '*') cache.clear();
    else cache.delete(id);
  });
  return {
    async of(accountId, userId) {
      const hit = cache.get(userId);
      if (hit && hit.until > Date.now()) return hit.groups;
      const rows = await tenantTable(deps.db.kysely, accountScope(accountId), 'groups')
        .select()
        .innerJoin('users_groups', 'users_groups.group_id', 'groups.id')
        .select('groups.name')
        .where('users_groups.user_id', '=', userId)
        .execute();
      const groups = Object.freeze(rows.map((r) => r.name));
      if (cache.size >= MAX_ENTRIES) cache.clear();
      cache.set(userId, { groups, until: Date.now() + TTL_MS });
      return groups;
    },
  };
}
