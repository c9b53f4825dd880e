import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import type { SqlDialect } from '@snackbase/rules';
import { AppError } from '../errors';
import type { CollectionModel } from '../collections';
import { computedValueSql, type ComputedSql } from './computed-sql';
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
  /** A computed field: its expression's SQL is ordered and compared in place of a column. */
  readonly computed?: Expression<unknown>;
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
 * no column at all (computed: see {@link computedKind}). Aggregating and grouping accept these.
 */
export const fieldTypeKind = (type: string): SortKind | undefined => ownKind(FIELD_TYPE_KINDS, type);

/** How a computed value compares, by the static type of its expression; json does not order. */
const VALUE_TYPE_KINDS: Readonly<Record<string, SortKind>> = {
  text: 'text',
  date: 'text',
  number: 'number',
  boolean: 'boolean',
  datetime: 'timestamp',
};

/**
 * The kind of a computed field's value. The expression's own type decides, not `return_type`,
 * which is informational and unchecked (spec §4.12): a `number` field over `concat(…)` yields
 * text in SQL and in memory, and its cursors must hold text. An always-NULL (invalid) expression
 * takes its `return_type`'s kind.
 */
export function computedKind(value: Pick<ComputedSql, 'type' | 'returnType'>): SortKind | undefined {
  if (value.type === 'null') return ownKind(FIELD_TYPE_KINDS, value.returnType ?? 'text');
  return ownKind(VALUE_TYPE_KINDS, value.type);
}

function invalidSort(message: string): AppError {
  return new AppError(400, 'invalid_sort', 'Invalid sort', message);
}

/**
 * Parses `?sort=`: `-f` descending, `+f` or a bare `f` ascending (the reference sorted a bare
 * field descending, spec §12.3 item 33 — ascending is what every client expects). A computed
 * field sorts by its expression's SQL (spec §4.3 allows computed fields). A field the caller
 * cannot read (hidden, or masked PII — computed fields over PII included) or an unknown one is
 * the same 400, never a silent fallback; so is a json/file value.
 */
export function parseSort(text: string | undefined, model: CollectionModel, readable: ReadableFields, dialect: SqlDialect): SortSpec {
  const raw = (text ?? DEFAULT_SORT).trim();
  const direction = raw.startsWith('-') ? 'desc' : 'asc';
  const field = raw.replace(/^[-+ ]/, '').trim();
  if (field.includes(',')) throw invalidSort('Sorting by more than one field is not supported');
  const system = systemColumnKind(field);
  if (system) return { field, direction, kind: system, system: true };
  const def = readable.names.has(field) ? fieldMapOf(model).get(field) : undefined;
  if (!def) throw invalidSort(`Cannot sort by '${field.slice(0, 64)}': field does not exist in collection`);
  if (def.type === 'computed') return computedSort(model, field, direction, dialect);
  const kind = fieldTypeKind(def.type);
  if (!kind) throw invalidSort(`Cannot sort by ${def.type} field '${field}'`);
  return { field, direction, kind };
}

function computedSort(model: CollectionModel, field: string, direction: 'asc' | 'desc', dialect: SqlDialect): SortSpec {
  const value = computedValueSql(model, field, dialect);
  const kind = value && computedKind(value);
  if (!value || !kind) throw invalidSort(`Cannot sort by computed field '${field}': its value is json`);
  return { field, direction, kind, computed: value.sql };
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
 * What a sort orders and compares: the column ({@link sortExpression}) or, for a computed
 * field, its expression in parentheses (so `collate` binds to all of it), text in code-point
 * order on PostgreSQL like a text column.
 */
function sortTerm(dialect: SqlDialect, table: string, sort: SortSpec): RawBuilder<unknown> {
  if (!sort.computed) return sortExpression(dialect, table, sort.field, sort.kind, sort.system);
  return sort.kind === 'text' && dialect === 'postgres' ? sql`(${sort.computed}) collate "C"` : sql`(${sort.computed})`;
}

/**
 * `ORDER BY` terms for a display direction: NULLs come first ascending and last descending on
 * both dialects (one total order, so the keyset conditions below match the ORDER BY exactly).
 */
export function orderTerms(dialect: SqlDialect, table: string, sort: SortSpec, direction: 'asc' | 'desc'): RawBuilder<unknown>[] {
  const s = sortTerm(dialect, table, sort);
  const id = sortExpression(dialect, table, 'id', 'text', true);
  if (sort.system) return direction === 'asc' ? [sql`${s} asc`, sql`${id} asc`] : [sql`${s} desc`, sql`${id} desc`];
  return direction === 'asc'
    ? [sql`${s} asc nulls first`, sql`${id} asc`]
    : [sql`${s} desc nulls last`, sql`${id} desc`];
}

/**
 * The key as a parameter. PostgreSQL types a bare parameter from the other operand, and a
 * computed number may be an integer (`length(title)`): a crafted cursor's 2.5 would then fail as
 * integer input (a 500), so computed numbers bind as double precision.
 */
function keyValue(dialect: SqlDialect, sort: SortSpec, value: unknown): unknown {
  if (value === null || !sort.computed || dialect !== 'postgres' || sort.kind !== 'number') return value;
  return sql`cast(${value} as double precision)`;
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
  const s = sortTerm(dialect, table, sort);
  const id = sortExpression(dialect, table, 'id', 'text', true);
  const v = keyValue(dialect, sort, key.value);
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
