import type { Kysely } from 'kysely';
import type { SqlDialect } from '../database-url';
import type { CollectionColumn } from './collection-column';
import { createIndex, collectionIndexes } from './collection-indexes';
import { storedDefault } from './column-sql';
import { assertColumns, assertTableName } from './ddl-names';
import { assertReferenceTargets } from './table-checks';
import { createTableBuilder } from './table-definition';

type Db = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Validates names, defaults and reference targets; throws CollectionDdlError before any DDL. */
export async function assertCreatable(db: Db, dialect: SqlDialect, table: string, columns: readonly CollectionColumn[]): Promise<void> {
  assertTableName(table);
  assertColumns(columns);
  for (const column of columns) storedDefault(dialect, column);
  await assertReferenceTargets(db, dialect, table, columns);
}

/**
 * `CREATE TABLE <table>` with the system columns, the user columns and their indexes (spec §3.5,
 * unique per account). `db` is the caller's transaction, so the table and the collection row
 * commit or roll back together.
 */
export async function createCollectionTable(db: Db, dialect: SqlDialect, table: string, columns: readonly CollectionColumn[]): Promise<void> {
  await assertCreatable(db, dialect, table, columns);
  await createTableBuilder(db, dialect, table, columns).execute();
  for (const index of collectionIndexes(table, columns)) await createIndex(db, table, index);
}

/**
 * Drops a collection table and its indexes. A table other collections still reference cannot
 * be dropped on PostgreSQL, and on SQLite the drop applies their ON DELETE actions: callers
 * refuse to delete a referenced collection first.
 */
export async function dropCollectionTable(db: Db, table: string): Promise<void> {
  assertTableName(table);
  await db.schema.dropTable(table).execute();
}
