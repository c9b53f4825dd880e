import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import type { SqlDialect } from '@snackbase/rules';
import { AppError } from '../errors';
import type { CollectionModel } from '../collections';
import type { ReadableFields } from './readable-fields';
import { fieldMapOf } from './record-row';

/** How a sort column compares: text by code point on both dialects, the rest natively. */
export type SortKind = 'text' | 'number' | 'boolean' | 'timestamp';

/** A checked `?sort=`: one field and a direction; ties are broken by `id` in the same direction. */
export interface SortSpec {
  readonly field: string;
  readonly direction: 'asc' | 'desc';
  readonly kind: SortKind;
  /** System columns are NOT NULL: plain ORDER BY terms, so the `(account_id, created_at, id)` index serves them. */
  readonly system?: boolean;
}

export const DEFAULT_SORT = '-created_at';

/** How the system columns compare; they are NOT NULL. */
const SYSTEM_KINDS: Readonly<Record<string, SortKind>> = {
  id: 'text',
  account_id: 'text',
  created_by: 'text',
  updated_by: 'text',
  created_at: 'timestamp',
  updated_at: 'timestamp',
};

/** How the column of each stored field type compares; json and file columns cannot be ordered. */
const FIELD_TYPE_KINDS: Readonly<Record<string, SortKind>> = {
  text: 'text',
  email: 'text',
  url: 'text',
  date: 'text',
  reference: 'text',
  number: 'number',
  boolean: 'boolean',
  datetime: 'timestamp',
};

// Own keys only: `constructor` or `__proto__` must not find Object.prototype's members.
const ownKind = (kinds: Readonly<Record<string, SortKind>>, key: string): SortKind | undefined => (Object.hasOwn(kinds, key) ? kinds[key] : undefined);

/** The kind of a system column (`id`, `account_id`, …), or undefined for any other name. */
export const systemColumnKind = (name: string): SortKind | undefined => ownKind(SYSTEM_KINDS, name);

/**
 * The kind of a field type's column, or undefined when it has none that orders (json, file) or
 * no column at all (computed). Sorting, aggregating and grouping accept the same fields.
 */
export const fieldTypeKind = (type: string): SortKind | undefined => ownKind(FIELD_TYPE_KINDS, type);

function invalidSort(message: string): AppError {
  return new AppError(400, 'invalid_sort', 'Invalid sort', message);
}

/**
 * Parses `?sort=`: `-f` descending, `+f` or a bare `f` ascending (the reference sorted a bare
 * field descending, spec §12.3 item 33 — ascending is what every client expects). A field the
 * caller cannot read, an unknown one, a computed one (no column) or a json/file field is a 400,
 * never a silent fallback.
 */
export function parseSort(text: string | undefined, model: CollectionModel, readable: ReadableFields): SortSpec {
  const raw = (text ?? DEFAULT_SORT).trim();
  const direction = raw.startsWith('-') ? 'desc' : 'asc';
  const field = raw.replace(/^[-+ ]/, '').trim();
  if (field.includes(',')) throw invalidSort('Sorting by more than one field is not supported');
  const system = systemColumnKind(field);
  if (system) return { field, direction, kind: system, system: true };
  const def = readable.names.has(field) ? fieldMapOf(model).get(field) : undefined;
  if (!def) throw invalidSort(`Cannot sort by '${field.slice(0, 64)}': field does not exist in collection`);
  if (def.type === 'computed') throw invalidSort(`Cannot sort by computed field '${field}': computed fields are evaluated after the query`);
  const kind = fieldTypeKind(def.type);
  if (!kind) throw invalidSort(`Cannot sort by ${def.type} field '${field}'`);
  return { field, direction, kind };
}

/**
 * The column as it is compared and ordered: user text in code-point order on PostgreSQL (as
 * SQLite). System columns keep their own collation so their indexes serve the ORDER BY; what
 * matters for keyset paging is only that ORDER BY and comparisons use the same expression.
 */
export function sortExpression(dialect: SqlDialect, table: string, field: string, kind: SortKind, system = false): RawBuilder<unknown> {
  const ref = sql.ref(`${table}.${field}`);
  return kind === 'text' && dialect === 'postgres' && !system ? sql`${ref} collate "C"` : sql`${ref}`;
}

/**
 * `ORDER BY` terms for a display direction: NULLs come first ascending and last descending on
 * both dialects (one total order, so the keyset conditions below match the ORDER BY exactly).
 */
export function orderTerms(dialect: SqlDialect, table: string, sort: SortSpec, direction: 'asc' | 'desc'): RawBuilder<unknown>[] {
  const s = sortExpression(dialect, table, sort.field, sort.kind, sort.system);
  const id = sortExpression(dialect, table, 'id', 'text', true);
  if (sort.system) return direction === 'asc' ? [sql`${s} asc`, sql`${id} asc`] : [sql`${s} desc`, sql`${id} desc`];
  return direction === 'asc'
    ? [sql`${s} asc nulls first`, sql`${id} asc`]
    : [sql`${s} desc nulls last`, sql`${id} desc`];
}

/**
 * Rows strictly after (`after`) or before the key `(value, id)` in ASCENDING order, where NULL
 * sorts before every value. Descending pages use the mirrored comparison.
 */
export function keysetCondition(
  dialect: SqlDialect,
  table: string,
  sort: SortSpec,
  key: { readonly value: unknown; readonly id: string },
  greater: boolean,
): Expression<SqlBool> {
  const s = sortExpression(dialect, table, sort.field, sort.kind, sort.system);
  const id = sortExpression(dialect, table, 'id', 'text', true);
  const v = key.value;
  if (sort.system || v !== null) {
    // A NOT NULL column (or a non-null key of a column whose NULLs sort first ascending).
    const op = sql.raw(greater ? '>' : '<');
    const plain = sql<SqlBool>`(${s} ${op} ${v} or (${s} = ${v} and ${id} ${op} ${key.id}))`;
    return sort.system || greater ? plain : sql<SqlBool>`(${s} is null or ${plain})`;
  }
  // A NULL key: the other NULLs with a larger (smaller) id, and (going up) every value.
  return greater
    ? sql<SqlBool>`((${s} is null and ${id} > ${key.id}) or ${s} is not null)`
    : sql<SqlBool>`(${s} is null and ${id} < ${key.id})`;
}
