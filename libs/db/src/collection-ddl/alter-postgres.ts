import { sql, type Kysely } from 'kysely';
import type { CollectionColumn } from './collection-column';
import { defaultKey, sameReference, type AlterPlan } from './alter-plan';
import { createIndex, dropIndex } from './collection-indexes';
import { columnDataType, defaultLiteral, onDeleteAction, storedDefault } from './column-sql';
import { renameColumns } from './rename-columns';
import { referenceConstraintName } from './table-definition';

type Db = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function addForeignKey(db: Db, table: string, column: CollectionColumn): Promise<void> {
  const ref = column.references;
  if (!ref) return;
  await db.schema
    .alterTable(table)
    .addForeignKeyConstraint(referenceConstraintName(table, column.name), [column.name], ref.table, ['id'], (fk) => fk.onDelete(onDeleteAction('postgres', ref.onDelete)))
    .execute();
}

async function alterKeptColumn(db: Db, table: string, from: CollectionColumn, to: CollectionColumn): Promise<void> {
  if (defaultKey('postgres', from) !== defaultKey('postgres', to)) {
    const fallback = defaultLiteral('postgres', to);
    await db.schema
      .alterTable(table)
      .alterColumn(to.name, (c) => (fallback ? c.setDefault(fallback) : c.dropDefault()))
      .execute();
  }
  if (to.required && !from.required) {
    const fill = storedDefault('postgres', to);
    if (fill !== undefined) await sql`update ${sql.table(table)} set ${sql.ref(to.name)} = ${fill} where ${sql.ref(to.name)} is null`.execute(db);
    await db.schema.alterTable(table).alterColumn(to.name, (c) => c.setNotNull()).execute();
  } else if (!to.required && from.required) {
    await db.schema.alterTable(table).alterColumn(to.name, (c) => c.dropNotNull()).execute();
  }
}

/**
 * PostgreSQL migrates every change in place with ALTER TABLE. Order matters: indexes and
 * foreign keys that go away first, then columns dropped (freeing names), renamed, added and
 * altered, then the new foreign keys and indexes.
 */
export async function alterPostgresTable(db: Db, table: string, plan: AlterPlan): Promise<void> {
  for (const index of plan.indexesToDrop) await dropIndex(db, index);
  const refChanged = plan.kept.filter(({ from, to }) => from.references && (!sameReference(from, to) || from.name !== to.name));
  for (const { from } of refChanged) {
    await db.schema.alterTable(table).dropConstraint(referenceConstraintName(table, from.name)).ifExists().execute();
  }
  for (const column of plan.dropped) await db.schema.alterTable(table).dropColumn(column.name).execute();
  await renameColumns(db, table, plan.kept);
  for (const column of plan.added) {
    const fallback = defaultLiteral('postgres', column);
    await db.schema
      .alterTable(table)
      .addColumn(column.name, columnDataType('postgres', column.type), (c) => {
        const required = column.required ? c.notNull() : c;
        return fallback ? required.defaultTo(fallback) : required;
      })
      .execute();
    await addForeignKey(db, table, column);
  }
  for (const { from, to } of plan.kept) await alterKeptColumn(db, table, from, to);
  for (const { from, to } of plan.kept) {
    if (to.references && (!sameReference(from, to) || from.name !== to.name)) await addForeignKey(db, table, to);
  }
  for (const index of plan.indexesToCreate) await createIndex(db, table, index);
}
