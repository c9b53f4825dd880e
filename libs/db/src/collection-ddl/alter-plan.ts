import type { SqlDialect } from '../database-url';
import type { CollectionColumn, CollectionTableChange } from './collection-column';
import { CollectionDdlError } from './collection-ddl-error';
import { collectionIndexes, type CollectionIndex } from './collection-indexes';
import { storedDefault } from './column-sql';

/** A column of the new schema and the existing column it comes from (kept or renamed). */
export interface KeptColumn {
  readonly from: CollectionColumn;
  readonly to: CollectionColumn;
}

/** What a table change does, column by column, and which indexes come and go. */
export interface AlterPlan {
  readonly added: readonly CollectionColumn[];
  readonly dropped: readonly CollectionColumn[];
  readonly kept: readonly KeptColumn[];
  readonly indexesToDrop: readonly CollectionIndex[];
  readonly indexesToCreate: readonly CollectionIndex[];
}

function sameIndex(a: CollectionIndex, b: CollectionIndex): boolean {
  return a.name === b.name && a.unique === b.unique && a.columns.join(',') === b.columns.join(',');
}

/** The default as stored, comparable across before and after. */
export function defaultKey(dialect: SqlDialect, column: CollectionColumn): string | undefined {
  const value = storedDefault(dialect, column);
  return value === undefined ? undefined : JSON.stringify(value);
}

export function sameReference(a: CollectionColumn, b: CollectionColumn): boolean {
  return a.references?.table === b.references?.table && a.references?.onDelete === b.references?.onDelete;
}

/** Matches `after` to `before` through `renamed` (new → old) or equal names; refuses a bad map. */
export function planAlter(table: string, change: CollectionTableChange): AlterPlan {
  const before = new Map(change.before.map((c) => [c.name, c]));
  const afterNames = new Set(change.after.map((c) => c.name));
  const renamed = change.renamed ?? {};
  const sources = new Set<string>();
  for (const [to, from] of Object.entries(renamed)) {
    if (!afterNames.has(to) || !before.has(from) || sources.has(from)) {
      throw new CollectionDdlError('invalid_name', `Invalid rename of field '${String(from).slice(0, 80)}' to '${to.slice(0, 80)}'`, to.slice(0, 80));
    }
    sources.add(from);
  }
  const added: CollectionColumn[] = [];
  const kept: KeptColumn[] = [];
  const used = new Set<string>();
  for (const to of change.after) {
    const source = renamed[to.name] ?? (before.has(to.name) && !sources.has(to.name) ? to.name : undefined);
    const from = source === undefined ? undefined : before.get(source);
    if (!from) {
      added.push(to);
      continue;
    }
    if (from.type !== to.type) {
      // Core refuses type changes (type_change_not_allowed) before it gets here.
      throw new Error(`alterCollectionTable: changing the type of '${from.name}' is not supported`);
    }
    used.add(from.name);
    kept.push({ from, to });
  }
  const dropped = change.before.filter((c) => !used.has(c.name));
  const oldIndexes = collectionIndexes(table, change.before);
  const newIndexes = collectionIndexes(table, change.after);
  return {
    added,
    dropped,
    kept,
    indexesToDrop: oldIndexes.filter((o) => !newIndexes.some((n) => sameIndex(o, n))),
    indexesToCreate: newIndexes.filter((n) => !oldIndexes.some((o) => sameIndex(o, n))),
  };
}
