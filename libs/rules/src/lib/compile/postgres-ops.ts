import { sql } from 'kysely';
import type { ValueType } from '../check/value-type';
import type { DialectOps } from './sql-dialect';
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
  // PostgreSQL's lower/upper follow the locale; translate() keeps SQLite's ASCII-only mapping.
  changeCase: (_eb, fn, operand) =>
    fn === 'lower'
      ? sql`translate(${operand}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')`
      : sql`translate(${operand}, 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')`,
  functions: POSTGRES_FUNCTIONS,
};
