import { sql, type ColumnDataType, type Expression } from 'kysely';
import type { SqlDialect } from './database-url';

/**
 * Column types that mean the same on both dialects. Timestamps are `timestamptz` on PostgreSQL
 * and ISO-8601 UTC text on SQLite (the pg pool parses them back to the same strings); JSON is
 * `jsonb` or text; booleans are `boolean` or 0/1 integers (see {@link fromDbBool}).
 */
export interface ColumnTypes {
  readonly dialect: SqlDialect;
  readonly id: ColumnDataType;
  readonly timestamp: ColumnDataType;
  readonly json: ColumnDataType;
  readonly bool: ColumnDataType;
  readonly text: ColumnDataType;
  /** Default expression for "now" in the column's storage format. */
  readonly now: Expression<unknown>;
  readonly true: Expression<unknown>;
  readonly false: Expression<unknown>;
}

/** The column types of one dialect, for migrations and collection DDL. */
export function columnTypes(dialect: SqlDialect): ColumnTypes {
  const pg = dialect === 'postgres';
  return {
    dialect,
    id: 'varchar(36)',
    timestamp: pg ? 'timestamptz' : 'text',
    json: pg ? 'jsonb' : 'text',
    bool: pg ? 'boolean' : 'integer',
    text: 'text',
    now: pg ? sql`now()` : sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`,
    true: pg ? sql`true` : sql`1`,
    false: pg ? sql`false` : sql`0`,
  };
}

/** A boolean column's value as read from either dialect (SQLite gives 0/1). */
export function fromDbBool(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't';
}

/** A JSON column's value as read from either dialect (SQLite gives text). */
export function fromDbJson<T>(value: unknown, fallback: T): T {
  if (value === null || value === undefined) return fallback;
  if (typeof value !== 'string') return value as T;
  try {
    return JSON.parse(value) as T;
  } catch {
    return fallback;
  }
}

/** The current time in the stored timestamp format (ISO-8601 UTC with milliseconds and `Z`). */
export function nowIso(): string {
  return new Date().toISOString();
}

