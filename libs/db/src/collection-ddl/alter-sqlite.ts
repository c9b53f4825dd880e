import type { Kysely } from 'kysely';
import { hasDefault } from './collection-column';
import { defaultKey, sameReference, type AlterPlan } from './alter-plan';
import { createIndex, dropIndex } from './collection-indexes';
import { columnDataType, defaultLiteral, onDeleteAction } from './column-sql';
import { renameColumns } from './rename-columns';
import { rebuildSqliteTable } from './sqlite-rebuild';
import type { CollectionColumn } from './collection-column';

type Db = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Whether SQLite's ALTER TABLE cannot do the change: it cannot change a column's NOT NULL,
 * default or foreign key, drop a column in a foreign key, add a NOT NULL column without a
 * default, or add a REFERENCES column with a default (while foreign keys are on).
 */
export function needsRebuild(plan: AlterPlan): boolean {
  return (
    plan.kept.some(({ from, to }) => from.required !== to.required || defaultKey('sqlite', from) !== defaultKey('sqlite', to) || !sameReference(from, to)) ||
    plan.dropped.some((c) => c.references) ||
    plan.added.some((c) => (c.required && !hasDefault(c)) || (c.references && hasDefault(c)))
  );
}

async function addColumn(db: Db, table: string, column: CollectionColumn): Promise<void> {
  const fallback = defaultLiteral('sqlite', column);
  const ref = column.references;
  await db.schema
    .alterTable(table)
    .addColumn(column.name, columnDataType('sqlite', column.type), (c) => {
      let out = column.required ? c.notNull() : c;
      if (fallback) out = out.defaultTo(fallback);
      return ref ? out.references(`${ref.table}.id`).onDelete(onDeleteAction('sqlite', ref.onDelete)) : out;
    })
    .execute();
}

/**
 * SQLite: ALTER TABLE where it can (add, rename, drop of an unindexed column once its indexes
 * are gone, unique indexes), otherwise a table rebuild. Both inside the caller's transaction.
 */
export async function alterSqliteTable(db: Db, table: string, after: readonly CollectionColumn[], plan: AlterPlan): Promise<void> {
  if (needsRebuild(plan)) return rebuildSqliteTable(db, table, after, plan);
  for (const index of plan.indexesToDrop) await dropIndex(db, index);
  for (const column of plan.dropped) await db.schema.alterTable(table).dropColumn(column.name).execute();
  await renameColumns(db, table, plan.kept);
  for (const column of plan.added) await addColumn(db, table, column);
  for (const index of plan.indexesToCreate) await createIndex(db, table, index);
}
