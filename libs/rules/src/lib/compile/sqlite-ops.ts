import { sql } from 'kysely';
import type { DialectOps } from './sql-dialect';
import { SQLITE_FUNCTIONS } from './sqlite-functions';

/**
 * SQLite: booleans bind as 1/0 (SQLite has no boolean type), LIKE is case-insensitive for
 * ASCII, `lower`/`upper` map ASCII only and text already compares by code point (BINARY collation). The dividend is cast to
 * REAL so `5 / 2` is 2.5 as on PostgreSQL; `%` truncates with `CAST(… AS INTEGER)`.
 */
export const SQLITE_OPS: DialectOps = {
  param: (eb, value) => eb.val(typeof value === 'boolean' ? (value ? 1 : 0) : value),
  divide: (eb, left, right) => eb(eb.cast(left, 'real'), '/', eb.fn('nullif', [right, eb.lit(0)])),
  modulo: (eb, left, right) =>
    eb(left, '-', eb(right, '*', eb.cast(eb(eb.cast(left, 'real'), '/', eb.fn('nullif', [right, eb.lit(0)])), 'integer'))),
  like: (left, pattern) => sql`${left} like ${pattern} escape '\\'`,
  codePointOrder: (operand) => operand,
  // Dates and datetimes are ISO-8601 text already.
  temporalText: (operand) => operand,
  // julianday() reads more than ISO text ('now', Julian day numbers) and rolls 2024-02-30 over
  // to March: only text whose date part survives a round trip unchanged is a date here.
  timestampText: (operand) => sql`(case when strftime('%Y-%m-%d', ${operand}) = substr(${operand}, 1, 10) and length(${operand}) >= 10 then ${operand} end)`,
  changeCase: (eb, fn, operand) => eb.fn(fn, [operand]),
  functions: SQLITE_FUNCTIONS,
};
