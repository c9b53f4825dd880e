import { isTimestampLiteral } from '../compile/timestamp-literal';
import { DATE_UNIT_SECONDS, isDateUnit } from '../check/function-catalog';
import type { SqlValue } from './sql-value';

/**
 * In-memory versions of the text, number and date functions, matching the SQL the compiler
 * emits on both dialects. Each returns NULL when an argument is NULL or of the wrong kind.
 */

/** `concat(a, b, …)`: NULL if any part is NULL (SQL `||`). */
export function concat(args: readonly SqlValue[]): SqlValue {
  return args.every((a) => typeof a === 'string') ? (args as string[]).join('') : null;
}

/** `trim(s)`: strips spaces only (SQLite `trim`, PostgreSQL `btrim`). */
export function trimSpaces(s: SqlValue): SqlValue {
  return typeof s === 'string' ? s.replace(/^ +| +$/g, '') : null;
}

/**
 * `substring(s, start[, len])`: 1-based, by code point; a start below 1 still counts the
 * missing positions against `len` (SQL standard), non-integers are truncated.
 */
export function substring(s: SqlValue, start: SqlValue, len: SqlValue | undefined): SqlValue {
  if (typeof s !== 'string' || typeof start !== 'number' || (len !== undefined && typeof len !== 'number')) return null;
  const chars = Array.from(s);
  const from = Math.trunc(start);
  const begin = Math.max(from, 1);
  const end = len === undefined ? chars.length + 1 : Math.max(from + Math.trunc(len), begin);
  return chars.slice(begin - 1, end - 1).join('');
}

/** `round(x[, digits])`: half away from zero; digits truncated and clamped to 0…15. */
export function round(x: SqlValue, digits: SqlValue | undefined): SqlValue {
  if (typeof x !== 'number' || (digits !== undefined && typeof digits !== 'number')) return null;
  const scale = 10 ** Math.min(Math.max(Math.trunc(digits ?? 0), 0), 15);
  return (Math.sign(x) * Math.round(Math.abs(x) * scale)) / scale;
}

/**
 * Parses a date/datetime text (ISO 8601; a bare date is midnight UTC) into epoch milliseconds.
 * Only the forms SQL reads the same on both dialects count (see `isTimestampLiteral`): `Date`
 * alone would read '1' as the year 2001 and roll 2024-02-30 over to March.
 */
export function parseInstant(value: SqlValue): number | null {
  if (typeof value !== 'string' || !isTimestampLiteral(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** The datetime text format of `now()` and `date_add` (UTC, milliseconds). */
export function formatInstant(ms: number): SqlValue {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** `date_diff(a, b, unit)`: `a − b` in `unit` (fractional; months = 30 days, years = 365). */
export function dateDiff(a: SqlValue, b: SqlValue, unit: SqlValue): SqlValue {
  const [x, y] = [parseInstant(a), parseInstant(b)];
  if (x === null || y === null || !isDateUnit(unit)) return null;
  return (x - y) / 1000 / DATE_UNIT_SECONDS[unit];
}

/** `date_add(d, n, unit)`: `d + n·unit` as datetime text (fixed-length months and years). */
export function dateAdd(d: SqlValue, n: SqlValue, unit: SqlValue): SqlValue {
  const x = parseInstant(d);
  if (x === null || typeof n !== 'number' || !isDateUnit(unit)) return null;
  return formatInstant(x + Math.round(n * DATE_UNIT_SECONDS[unit] * 1000));
}
