import { fromDbBool, type SqlDialect } from '@snackbase/db';
import type { CollectionModel } from '../collections';
import { AppError } from '../errors';
import { fieldMapOf, fromStoredRow, toStoredValue } from './record-row';
import type { SortKind, SortSpec } from './record-sort';

/** The position a cursor names: the sort value of a record (API form) and its id (spec §4.8). */
export interface CursorKey {
  readonly value: string | number | boolean | null;
  readonly id: string;
}

/** base64url of the compact JSON `{"sort_value":…,"id":"…"}`, with `=` padding as the reference. */
export function encodeCursor(key: CursorKey): string {
  const b64 = Buffer.from(JSON.stringify({ sort_value: key.value, id: key.id })).toString('base64url');
  return b64 + '='.repeat((4 - (b64.length % 4)) % 4);
}

function invalidCursor(param: 'cursor' | 'cursor_before', why: string): AppError {
  const title = param === 'cursor' ? 'Invalid cursor' : 'Invalid cursor_before';
  return new AppError(400, 'invalid_cursor', title, `Invalid cursor format: ${why}`);
}

const FITS: Readonly<Record<SortKind, (v: unknown) => boolean>> = {
  text: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  boolean: (v) => typeof v === 'boolean',
  timestamp: (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)),
};

/**
 * Decodes a cursor for a sort of `kind`; anything malformed, or a value that cannot be a value
 * of the sort field, is a 400 (never a database error).
 */
export function decodeCursor(text: string, param: 'cursor' | 'cursor_before', kind: SortKind): CursorKey {
  if (text.length > 4096 || !/^[A-Za-z0-9_-]+={0,2}$/.test(text)) throw invalidCursor(param, 'not base64url');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text.replace(/=+$/, ''), 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor(param, 'not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidCursor(param, 'expected an object');
  const { sort_value: value, id } = parsed as Record<string, unknown>;
  if (typeof id !== 'string' || id.length === 0 || id.length > 64) throw invalidCursor(param, 'missing id');
  if (value === undefined) throw invalidCursor(param, 'missing sort_value');
  if (value !== null && !FITS[kind](value)) throw invalidCursor(param, 'sort_value does not match the sort field');
  return { value: value as CursorKey['value'], id };
}

/**
 * Alias of a computed field's sort value, selected next to the row in cursor mode. Field names
 * start with a letter, so no field can take it; it is dropped before the row is presented.
 */
export const SORT_VALUE = '_sort_value';

/** The row without its {@link SORT_VALUE} (what the caller gets). */
export function withoutSortValue(row: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out = { ...row };
  delete out[SORT_VALUE];
  return out;
}

/**
 * The `sort_value` of a row's cursor: the API value of the sort column, or the computed value
 * exactly as SQL ordered it ({@link SORT_VALUE}; the in-memory value could differ in the last
 * bit of a double and make the next page repeat or skip a row). SQLite's 1/0 become booleans.
 */
export function rowSortValue(model: CollectionModel, sort: SortSpec, row: Readonly<Record<string, unknown>>, dialect: SqlDialect): CursorKey['value'] {
  if (sort.computed) {
    const value = row[SORT_VALUE] ?? null;
    if (value === null) return null;
    if (sort.kind === 'boolean') return fromDbBool(value);
    // A driver may hand a wide number back as text; a cursor must hold the number.
    return (sort.kind === 'number' && typeof value === 'string' ? Number(value) : value) as CursorKey['value'];
  }
  return (fromStoredRow(model, { [sort.field]: row[sort.field] }, dialect)[sort.field] ?? null) as CursorKey['value'];
}

/**
 * The parameter a keyset condition compares with: a cursor's `sort_value` as the column stores
 * it (booleans 1/0 on SQLite), a computed timestamp in the one ISO form.
 */
export function boundSortValue(model: CollectionModel, sort: SortSpec, value: CursorKey['value'], dialect: SqlDialect): unknown {
  if (value === null) return null;
  if (sort.computed) {
    if (typeof value === 'boolean') return dialect === 'sqlite' ? Number(value) : value;
    // One ISO form, as computed datetimes are (`Jan 1 2024` passed Date.parse but PostgreSQL may not read it).
    return sort.kind === 'timestamp' && typeof value === 'string' ? new Date(value).toISOString() : value;
  }
  const field = fieldMapOf(model).get(sort.field);
  return field ? toStoredValue(dialect, field, value) : value;
}
