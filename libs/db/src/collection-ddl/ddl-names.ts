import { createHash } from 'node:crypto';
import { SYSTEM_COLUMNS, type CollectionColumn } from './collection-column';
import { CollectionDdlError } from './collection-ddl-error';

const TABLE_NAME = /^col_[a-z][a-z0-9_]{0,62}$/;
const COLUMN_NAME = /^[a-zA-Z][a-zA-Z0-9_]*$/;
const MAX_COLUMN_NAME = 64;
/** PostgreSQL truncates longer identifiers, which could make two index names collide. */
const MAX_IDENTIFIER = 63;
const RESERVED = new Set<string>(SYSTEM_COLUMNS);

/** Refuses anything but `col_<lowercase name>`: table names end up in DDL as identifiers. */
export function assertTableName(table: string): void {
  if (typeof table !== 'string' || !TABLE_NAME.test(table)) {
    throw new CollectionDdlError('invalid_name', `Invalid collection table name '${String(table).slice(0, 80)}'`);
  }
}

/** Refuses a column name that is malformed, too long or a system column. */
export function assertColumnName(name: string): void {
  if (typeof name !== 'string' || !COLUMN_NAME.test(name) || name.length > MAX_COLUMN_NAME) {
    throw new CollectionDdlError('invalid_name', `Invalid field name '${String(name).slice(0, 80)}'`, String(name).slice(0, 80));
  }
  if (RESERVED.has(name.toLowerCase())) throw new CollectionDdlError('invalid_name', `Field name '${name}' is reserved`, name);
}

/**
 * Validates every user column name and reference target. Names must be unique ignoring case:
 * SQLite identifiers are case-insensitive, so `Title` and `title` would be one column there.
 */
export function assertColumns(columns: readonly CollectionColumn[]): void {
  const seen = new Set<string>();
  for (const column of columns) {
    assertColumnName(column.name);
    const key = column.name.toLowerCase();
    if (seen.has(key)) throw new CollectionDdlError('invalid_name', `Duplicate field name '${column.name}'`, column.name);
    seen.add(key);
    if (column.type === 'reference' && !column.references) {
      throw new CollectionDdlError('missing_reference_table', `Reference field '${column.name}' has no target collection`, column.name);
    }
    if (column.references) {
      if (typeof column.references.table !== 'string' || !TABLE_NAME.test(column.references.table)) {
        throw new CollectionDdlError('invalid_name', `Invalid reference target for field '${column.name}'`, column.name);
      }
      if (!['cascade', 'set_null', 'restrict'].includes(column.references.onDelete)) {
        throw new CollectionDdlError('invalid_name', `Invalid on_delete for field '${column.name}'`, column.name);
      }
    }
  }
}

/**
 * A deterministic identifier of at most 63 characters: `<prefix>_<table>_<suffix>_<hash>`,
 * shortened before the hash when long. The hash of the exact (prefix, table, suffix) keeps
 * names distinct where underscores would not: table `col_a` field `b_c` vs table `col_a_b`
 * field `c`.
 */
export function ddlIdentifier(prefix: string, table: string, suffix: string): string {
  const hash = createHash('sha256').update(`${prefix}\0${table}\0${suffix}`).digest('hex').slice(0, 8);
  return `${`${prefix}_${table}_${suffix}`.slice(0, MAX_IDENTIFIER - hash.length - 1)}_${hash}`;
}
