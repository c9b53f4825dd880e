import type { Kysely } from 'kysely';
import type { SqlDialect } from '../database-url';
import type { CollectionTableChange } from './collection-column';
import { assertDataFits } from './alter-checks';
import { planAlter } from './alter-plan';
import { alterPostgresTable } from './alter-postgres';
import { alterSqliteTable } from './alter-sqlite';
import { assertCreatable } from './create-collection-table';

/**
 * Migrates the table from `before` to `after` (add, remove, rename, required/unique/default
 * changes) inside the caller's transaction `db`. Names, defaults, reference targets and the
 * existing rows are checked first: a change the data would violate throws CollectionDdlError
 * before any DDL, and the caller's rollback leaves table and rows as they were.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function alterCollectionTable(db: Kysely<any>, dialect: SqlDialect, table: string, change: CollectionTableChange): Promise<void> {
  await assertCreatable(db, dialect, table, change.after);
  const plan = planAlter(table, change);
  await assertDataFits(db, dialect, table, plan);
  if (dialect === 'postgres') await alterPostgresTable(db, table, plan);
  else await alterSqliteTable(db, table, change.after, plan);
}
