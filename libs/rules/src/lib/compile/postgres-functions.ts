import { sql } from 'kysely';
import type { DialectFunctions, SqlExpression } from './sql-dialect';

const ISO = 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"';

/** A text/date/timestamp operand as an instant (text and date columns are read as UTC). */
function instant(x: SqlExpression): SqlExpression {
  return sql`(cast(cast(${x} as text) as timestamp with time zone))`;
}

function format(ts: SqlExpression): SqlExpression {
  return sql`to_char((${ts}) at time zone 'UTC', ${sql.lit(ISO)})`;
}

/** A timestamp (or timestamp text) as ISO-8601 UTC text with milliseconds, as `now()` and `date_add` give. */
export function isoTimestampText(x: SqlExpression): SqlExpression {
  return format(instant(x));
}

/**
 * PostgreSQL: `||` (NULL-propagating, unlike CONCAT, to match SQLite), substring rebuilt like
 * SQLite's, `round` over numeric (half away from zero), dates via epoch seconds. Casts are
 * explicit because parameters arrive untyped. The session time zone must be UTC for bare
 * date texts (the server sets it).
 */
export const POSTGRES_FUNCTIONS: DialectFunctions = {
  concat: (parts) => sql`(${sql.join(parts.map((p) => sql`cast(${p} as text)`), sql` || `)})`,
  trim: (s) => sql`btrim(cast(${s} as text), ' ')`,
  substring: (s, start, len) => {
    const from = sql`cast(trunc(${start}) as integer)`;
    const begin = sql`greatest(${from}, 1)`;
    if (len === undefined) return sql`substr(cast(${s} as text), ${begin})`;
    return sql`substr(cast(${s} as text), ${begin}, greatest(${from} + cast(trunc(${len}) as integer) - ${begin}, 0))`;
  },
  round: (x, digits) => {
    const places = digits === undefined ? sql`0` : sql`least(greatest(cast(trunc(${digits}) as integer), 0), 15)`;
    return sql`cast(round(cast(${x} as numeric), ${places}) as double precision)`;
  },
  ceil: (x) => sql`ceil(cast(${x} as double precision))`,
  floor: (x) => sql`floor(cast(${x} as double precision))`,
  now: () => format(sql`now()`),
  dateDiff: (a, b, unitSeconds) =>
    sql`(extract(epoch from ${instant(a)} - ${instant(b)})::double precision / ${sql.lit(unitSeconds)})`,
  dateAdd: (d, n, unitSeconds) =>
    format(sql`${instant(d)} + cast(round(cast(${n} as numeric) * ${sql.lit(unitSeconds * 1000)}) as double precision) * interval '1 millisecond'`),
};
