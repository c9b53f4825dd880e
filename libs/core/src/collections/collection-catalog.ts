import { fromDbJson, type SnackDatabase } from '@snackbase/db';
import type { CacheBus } from '../cache-bus';
import { dueForRefresh } from '../cache-bus/refresh-ahead';
import {
  collectionTableName,
  LOCKED_RULES,
  normalizeStoredField,
  type CollectionModel,
  type CollectionRules,
} from './collection-model';

/**
 * How long this instance trusts its copy of the collection definitions without hearing of a
 * change. Changes made here (and, with Redis, on any instance) invalidate at once; the TTL only
 * bounds staleness across instances that share no Redis.
 */
const TTL_MS = 5000;

/**
 * The collection definitions and their rules, as every record request needs them, read from
 * the database once and kept until a change (ARCHITECTURE "one request": collection from the
 * schema cache, then the rule). One query loads every collection: there are few, and a request
 * then costs no lookup at all.
 */
export interface CollectionCatalog {
  /** The collection named `name` (names are one name ignoring case), or undefined. */
  byName(name: string): Promise<CollectionModel | undefined>;
  byId(id: string): Promise<CollectionModel | undefined>;
  /** Every collection, by name. */
  all(): Promise<readonly CollectionModel[]>;
  /** Drops the cached definitions here and (through the bus) on every other instance. */
  invalidate(): void;
}

interface Snapshot {
  readonly byLowerName: ReadonlyMap<string, CollectionModel>;
  readonly byId: ReadonlyMap<string, CollectionModel>;
  readonly until: number;
}

export function createCollectionCatalog(deps: { db: SnackDatabase; bus: CacheBus }): CollectionCatalog {
  let snapshot: Snapshot | undefined;
  let loading: Promise<Snapshot> | undefined;
  // A load that started before an invalidation must not install its (stale) result.
  let generation = 0;

  const load = async (): Promise<Snapshot> => {
    const started = generation;
    const rows = await deps.db.kysely
      .selectFrom('collections as c')
      .leftJoin('collection_rules as r', 'r.collection_id', 'c.id')
      .select([
        'c.id',
        'c.name',
        'c.schema',
        'c.migration_revision',
        'c.created_at',
        'c.updated_at',
        'r.list_rule',
        'r.view_rule',
        'r.create_rule',
        'r.update_rule',
        'r.delete_rule',
        'r.list_fields',
        'r.view_fields',
        'r.create_fields',
        'r.update_fields',
        'r.id as rules_id',
      ])
      .execute();
    const models = rows.map((row): CollectionModel => {
      const rules: CollectionRules =
        row.rules_id === null
          ? LOCKED_RULES
          : {
              list_rule: row.list_rule,
              view_rule: row.view_rule,
              create_rule: row.create_rule,
              update_rule: row.update_rule,
              delete_rule: row.delete_rule,
              list_fields: row.list_fields ?? '*',
              view_fields: row.view_fields ?? '*',
              create_fields: row.create_fields ?? '*',
              update_fields: row.update_fields ?? '*',
            };
      return Object.freeze({
        id: row.id,
        name: row.name,
        tableName: collectionTableName(row.name),
        fields: Object.freeze(fromDbJson<Record<string, unknown>[]>(row.schema, []).map(normalizeStoredField)),
        rules: Object.freeze(rules),
        migrationRevision: row.migration_revision,
        createdAt: String(row.created_at),
        updatedAt: String(row.updated_at),
      });
    });
    const next: Snapshot = {
      byLowerName: new Map(models.map((m) => [m.name.toLowerCase(), m])),
      byId: new Map(models.map((m) => [m.id, m])),
      until: Date.now() + TTL_MS,
    };
    if (started === generation) snapshot = next;
    return next;
  };

  const reload = (): Promise<Snapshot> =>
    (loading ??= load().finally(() => {
      loading = undefined;
    }));

  const current = async (): Promise<Snapshot> => {
    const now = Date.now();
    if (snapshot && snapshot.until > now) {
      // Renewed in the background before it expires (a failure leaves it to expire).
      if (!loading && dueForRefresh(snapshot.until, TTL_MS, now)) reload().catch(() => undefined);
      return snapshot;
    }
    return reload();
  };

  const forget = () => {
    generation += 1;
    snapshot = undefined;
    loading = undefined;
  };
  deps.bus.on('collection', forget);

  return {
    byName: async (name) => (await current()).byLowerName.get(name.toLowerCase()),
    byId: async (id) => (await current()).byId.get(id),
    all: async () => [...(await current()).byLowerName.values()].sort((a, b) => a.name.localeCompare(b.name)),
    invalidate: () => deps.bus.invalidate('collection', '*'),
  };
}
