import { sql } from 'kysely';
import type { ValueType } from '../check/value-type';
import type { DialectOps, SqlExpression } from './sql-dialect';
import { isoTimestampText, POSTGRES_FUNCTIONS } from './postgres-functions';

const PG_TYPES: Record<ValueType, 'text' | 'double precision' | 'boolean'> = {
  text: 'text',
  number: 'double precision',
  boolean: 'boolean',
  date: 'text',
  datetime: 'text',
  json: 'text',
  null: 'text',
  invalid: 'text',
};

// isTimestampLiteral's shape (timestamp-literal.ts) as a POSIX regular expression.
const ISO_SHAPE = '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]{1,9})?)?(Z|[+-](0[0-9]|1[0-5]):?[0-5][0-9])?)?$';

/**
 * `text` when it is an ISO-8601 date or date-time PostgreSQL reads as the evaluator does, else
 * NULL. Nested CASEs, because only CASE orders evaluation: the day is checked against its
 * month (no 2024-02-30, which the cast would refuse) only once the shape is known good.
 */
function guardedTimestampText(text: SqlExpression): SqlExpression {
  const year = sql`cast(substr(${text}, 1, 4) as integer)`;
  const month = sql`cast(substr(${text}, 6, 2) as integer)`;
  const lastDay = sql`extract(day from make_date(${year}, ${month}, 1) + interval '1 month - 1 day')`;
  return sql`(case when ${text} ~ ${sql.lit(ISO_SHAPE)} and substr(${text}, 1, 4) <> '0000' then (case when cast(substr(${text}, 9, 2) as integer) <= ${lastDay} then ${text} end) end)`;
}

/**
 * PostgreSQL: strict types, so a parameter is cast unless it sits beside a column (then the
 * server infers the column's type, which also lets text literals compare with timestamp
 * columns). `~` is ILIKE; text ordering uses `COLLATE "C"` (code point order, as SQLite).
 */
export const POSTGRES_OPS: DialectOps = {
  param: (eb, value, info, besideColumn) => (besideColumn ? eb.val(value) : eb.cast(eb.val(value), PG_TYPES[info.type])),
  divide: (eb, left, right) => eb(left, '/', eb.fn('nullif', [right, eb.lit(0)])),
  modulo: (eb, left, right) => eb(left, '-', eb(right, '*', eb.fn('trunc', [eb(left, '/', eb.fn('nullif', [right, eb.lit(0)]))]))),
  like: (left, pattern) => sql`${left} ilike ${pattern} escape '\\'`,
  codePointOrder: (operand) => sql`${operand} collate "C"`,
  temporalText: (operand, type) => (type === 'datetime' ? isoTimestampText(operand) : sql`cast(${operand} as text)`),
  timestampText: (operand) => guardedTimestampText(sql`cast(${operand} as text)`),
  // PostgreSQL's lower/upper follow the locale; translate() keeps SQLite's ASCII-only mapping.
  changeCase: (_eb, fn, operand) =>
    fn === 'lower'
      ? sql`translate(${operand}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')`
      : sql`translate(${operand}, 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')`,
  functions: POSTGRES_FUNCTIONS,
};
