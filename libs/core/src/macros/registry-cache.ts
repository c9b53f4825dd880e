import type { SnackDatabase } from '@snackbase/db';
import type { MacroRegistry } from '@snackbase/rules';
import type { CacheBus } from '../cache-bus';
import { dueForRefresh } from '../cache-bus/refresh-ahead';
import { allMacros, buildRegistry } from './stored-macros';

/**
 * How long this instance trusts its registry without hearing of a change: writes here (and, with
 * Redis, on any instance) drop it at once; the TTL only bounds staleness while Redis is away.
 */
const TTL_MS = 5000;

export interface RegistryCache {
  get(): Promise<MacroRegistry>;
}

/** The built-ins plus the stored macros, loaded once and kept until the `macros` topic fires. */
export function createRegistryCache(deps: { db: SnackDatabase; bus: CacheBus }): RegistryCache {
  let cached: { registry: MacroRegistry; until: number } | undefined;
  let loading: Promise<MacroRegistry> | undefined;
  // A load that started before an invalidation must not install its (stale) result.
  let generation = 0;

  const load = async (): Promise<MacroRegistry> => {
    const started = generation;
    const registry = buildRegistry(await allMacros(deps.db.kysely));
    if (started === generation) cached = { registry, until: Date.now() + TTL_MS };
    return registry;
  };

  const reload = (): Promise<MacroRegistry> =>
    (loading ??= load().finally(() => {
      loading = undefined;
    }));

  deps.bus.on('macros', () => {
    generation += 1;
    cached = undefined;
    loading = undefined;
  });

  return {
    async get() {
      const now = Date.now();
      if (cached && cached.until > now) {
        // Renewed in the background before it expires (a failure leaves it to expire).
        if (!loading && dueForRefresh(cached.until, TTL_MS, now)) reload().catch(() => undefined);
        return cached.registry;
      }
      return reload();
    },
  };
}
