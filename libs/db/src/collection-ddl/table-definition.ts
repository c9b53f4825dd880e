import type { CreateTableBuilder, Kysely } from 'kysely';
import { columnTypes } from '../column-types';
import type { SqlDialect } from '../database-url';
import type { CollectionColumn } from './collection-column';
import { columnDataType, defaultLiteral, onDeleteAction } from './column-sql';
import { ddlIdentifier } from './ddl-names';

/** The name of the foreign key constraint of a reference field. */
export function referenceConstraintName(table: string, field: string): string {
  return ddlIdentifier('fk', table, field);
}

/**
 * `CREATE TABLE <name>` with the system columns (spec §3.5) and the user columns: types,
 * NOT NULL, defaults and named foreign keys. Indexes are separate (see collection-indexes).
 * `constraintTable` names the constraints (the real table name during a SQLite rebuild).
 */
export function createTableBuilder(
  db: Kysely<any>, // eslint-disable-line @typescript-eslint/no-explicit-any
  dialect: SqlDialect,
  name: string,
  columns: readonly CollectionColumn[],
  constraintTable = name,
): CreateTableBuilder<string, string> {
  const t = columnTypes(dialect);
  let builder: CreateTableBuilder<string, string> = db.schema
    .createTable(name)
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('account_id', t.id, (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
    .addColumn('updated_by', 'text', (c) => c.notNull());
  for (const column of columns) {
    const fallback = defaultLiteral(dialect, column);
    builder = builder.addColumn(column.name, columnDataType(dialect, column.type), (c) => {
      const required = column.required ? c.notNull() : c;
      return fallback ? required.defaultTo(fallback) : required;
    });
  }
  // Deleting an account removes its rows in every collection (spec §3.5).
  builder = builder.addForeignKeyConstraint(ddlIdentifier('fk', constraintTable, 'account'), ['account_id'], 'accounts', ['id'], (fk) => fk.onDelete('cascade'));
  for (const column of columns) {
    const ref = column.references;
    if (!ref) continue;
    builder = builder.addForeignKeyConstraint(referenceConstraintName(constraintTable, column.name), [column.name], ref.table, ['id'], (fk) =>
      fk.onDelete(onDeleteAction(dialect, ref.onDelete)),
    );
  }
  return builder;
}
