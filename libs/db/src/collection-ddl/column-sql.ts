import { sql, type ColumnDataType, type Expression } from 'kysely';
import { columnTypes } from '../column-types';
import type { SqlDialect } from '../database-url';
import { hasDefault, type CollectionColumn, type CollectionColumnType, type ReferenceOnDelete } from './collection-column';
import { CollectionDdlError } from './collection-ddl-error';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The SQL type of a user column (spec §3.3), the same storage format as the system tables. */
export function columnDataType(dialect: SqlDialect, type: CollectionColumnType): ColumnDataType {
  const t = columnTypes(dialect);
  switch (type) {
    case 'number':
      return dialect === 'postgres' ? 'double precision' : 'real';
    case 'boolean':
      return t.bool;
    case 'datetime':
      return t.timestamp;
    case 'json':
    case 'file':
      return t.json;
    case 'reference':
      return t.id;
    default:
      // text, email, url, date: text (dates as YYYY-MM-DD).
      return 'text';
  }
}

/**
 * The SQL words of an `on_delete` action. `restrict` is NO ACTION on SQLite: its RESTRICT fires
 * mid-statement, so deleting an account failed when one of its collections restricted another
 * one's rows that the same cascade was about to delete (depending on table order), and it
 * reports SQLITE_CONSTRAINT_TRIGGER instead of a foreign key error. NO ACTION checks at the end
 * of the statement: a referenced row still cannot be deleted on its own.
 */
export function onDeleteAction(dialect: SqlDialect, onDelete: ReferenceOnDelete): 'cascade' | 'set null' | 'restrict' | 'no action' {
  if (onDelete === 'set_null') return 'set null';
  return onDelete === 'restrict' && dialect === 'sqlite' ? 'no action' : onDelete;
}

function invalid(column: CollectionColumn, why: string): CollectionDdlError {
  return new CollectionDdlError('invalid_default', `Invalid default for field '${column.name}': ${why}`, column.name);
}

/**
 * The default as the value stored in the column (what an INSERT would bind), or undefined for
 * none. Throws `invalid_default` when it does not fit the type.
 */
export function storedDefault(dialect: SqlDialect, column: CollectionColumn): string | number | boolean | undefined {
  if (!hasDefault(column)) return undefined;
  const stored = typedDefault(dialect, column);
  // PostgreSQL text cannot hold NUL; refuse it on both dialects alike.
  if (typeof stored === 'string' && stored.includes('\0')) throw invalid(column, 'NUL characters are not allowed');
  return stored;
}

function typedDefault(dialect: SqlDialect, column: CollectionColumn): string | number | boolean {
  const value = column.default;
  switch (column.type) {
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(column, 'expected a number');
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw invalid(column, 'expected true or false');
      // SQLite keeps booleans as 0/1 (see fromDbBool).
      return dialect === 'postgres' ? value : value ? 1 : 0;
    case 'json':
    case 'file':
      return JSON.stringify(value);
    case 'datetime': {
      const time = typeof value === 'string' ? Date.parse(value) : NaN;
      if (Number.isNaN(time)) throw invalid(column, 'expected an ISO-8601 datetime');
      // The same ISO-8601 UTC form as every stored timestamp.
      return new Date(time).toISOString();
    }
    case 'date':
      if (typeof value !== 'string' || !DATE.test(value) || Number.isNaN(Date.parse(value))) throw invalid(column, 'expected YYYY-MM-DD');
      return value;
    default:
      if (typeof value !== 'string') throw invalid(column, 'expected a string');
      if (column.type === 'reference' && value === '') throw invalid(column, 'expected a record id');
      return value;
  }
}

/**
 * The default as a SQL literal for `DEFAULT …` (DDL takes no bound parameters). Kysely's
 * immediate values quote strings with doubled single quotes, so user text never joins SQL.
 */
export function defaultLiteral(dialect: SqlDialect, column: CollectionColumn): Expression<unknown> | undefined {
  const value = storedDefault(dialect, column);
  return value === undefined ? undefined : sql.lit(value);
}
