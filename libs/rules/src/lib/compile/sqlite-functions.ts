import { sql } from 'kysely';
import type { DialectFunctions, SqlExpression } from './sql-dialect';

const ISO = '%Y-%m-%dT%H:%M:%fZ';

/** floor/ceil without the optional math extension: exact for |x| < 2^63 (CAST truncates). */
function integral(x: SqlExpression, direction: 'floor' | 'ceil'): SqlExpression {
  const t = sql`cast(${x} as integer)`;
  return direction === 'floor'
    ? sql`(case when ${x} < ${t} then ${t} - 1 else ${t} end)`
    : sql`(case when ${x} > ${t} then ${t} + 1 else ${t} end)`;
}

/**
 * SQLite: `||` (NULL-propagating), `substr` with the SQL-standard start rule rebuilt by max(),
 * `round` clamps digits to 0…15, dates via julianday arithmetic (date_diff in whole milliseconds).
 */
export const SQLITE_FUNCTIONS: DialectFunctions = {
  concat: (parts) => sql`(${sql.join(parts, sql` || `)})`,
  trim: (s) => sql`trim(${s}, ' ')`,
  substring: (s, start, len) => {
    const from = sql`cast(${start} as integer)`;
    const begin = sql`max(${from}, 1)`;
    if (len === undefined) return sql`substr(${s}, ${begin})`;
    return sql`substr(${s}, ${begin}, max(${from} + cast(${len} as integer) - ${begin}, 0))`;
  },
  round: (x, digits) =>
    digits === undefined ? sql`round(${x})` : sql`round(${x}, min(max(cast(${digits} as integer), 0), 15))`,
  ceil: (x) => integral(x, 'ceil'),
  floor: (x) => integral(x, 'floor'),
  now: () => sql`strftime(${sql.lit(ISO)}, 'now')`,
  // Whole milliseconds first (julianday's fraction of a day is inexact), then the evaluator's
  // own steps: (ms_a − ms_b) / 1000 / unit, so both give the same double.
  dateDiff: (a, b, unitSeconds) =>
    sql`((round(julianday(${a}) * 86400000.0) - round(julianday(${b}) * 86400000.0)) / 1000.0 / ${sql.lit(unitSeconds)})`,
  dateAdd: (d, n, unitSeconds) =>
    sql`strftime(${sql.lit(ISO)}, julianday(${d}) + round(${n} * ${sql.lit(unitSeconds * 1000)}) / 86400000.0)`,
};
