import { sql, type Kysely } from 'kysely';
import type { SqlDialect } from '../database-url';
import type { CollectionColumn } from './collection-column';
import { CollectionDdlError } from './collection-ddl-error';

type Db = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Whether a table exists (in the current schema on PostgreSQL). */
export async function tableExists(db: Db, dialect: SqlDialect, table: string): Promise<boolean> {
  const result =
    dialect === 'postgres'
      ? await sql<{ one: number }>`select 1 as one from information_schema.tables where table_schema = current_schema() and table_name = ${table}`.execute(db)
      : await sql<{ one: number }>`select 1 as one from sqlite_master where type = 'table' and name = ${table}`.execute(db);
  return result.rows.length > 0;
}

/**
 * Refuses references to tables that do not exist. SQLite would accept such a foreign key
 * silently and fail every later write; PostgreSQL would fail with a driver error.
 * `table` itself counts as existing (a self-reference, e.g. a comment's parent).
 */
export async function assertReferenceTargets(db: Db, dialect: SqlDialect, table: string, columns: readonly CollectionColumn[]): Promise<void> {
  for (const column of columns) {
    const target = column.references?.table;
    if (!target || target === table) continue;
    if (!(await tableExists(db, dialect, target))) {
      throw new CollectionDdlError('missing_reference_table', `Field '${column.name}' references a collection that does not exist`, column.name);
    }
  }
}

/** Whether the table holds any row (of any account). */
export async function hasRows(db: Db, table: string): Promise<boolean> {
  const result = await sql<{ one: number }>`select 1 as one from ${sql.table(table)} limit 1`.execute(db);
  return result.rows.length > 0;
}

/** Whether some row has NULL in `column`. */
export async function hasNulls(db: Db, table: string, column: string): Promise<boolean> {
  const result = await sql<{ one: number }>`select 1 as one from ${sql.table(table)} where ${sql.ref(column)} is null limit 1`.execute(db);
  return result.rows.length > 0;
}

/**
 * Whether two rows of one account share a non-NULL value in `column` (NULLs never collide),
 * counting NULLs as `fill` when given (the default they are about to receive).
 */
export async function hasDuplicatesInAccount(db: Db, table: string, column: string, fill?: unknown): Promise<boolean> {
  const value = fill === undefined ? sql.ref(column) : sql`coalesce(${sql.ref(column)}, ${fill})`;
  const result = await sql<{ one: number }>`select 1 as one from ${sql.table(table)} where ${value} is not null group by account_id, ${value} having count(*) > 1 limit 1`.execute(db);
  return result.rows.length > 0;
}

/** Whether some account has more than one row (a shared default would then repeat). */
export async function hasAccountWithManyRows(db: Db, table: string): Promise<boolean> {
  const result = await sql<{ one: number }>`select 1 as one from ${sql.table(table)} group by account_id having count(*) > 1 limit 1`.execute(db);
  return result.rows.length > 0;
}
