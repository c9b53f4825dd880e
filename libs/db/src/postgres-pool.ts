import type { Pool } from 'pg';

// Loaded on first use: pg is an optional peer, so a SQLite-only service need not install it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pg = () => require('pg') as typeof import('pg');

/** Pool settings (spec §10.15 `SNACKBASE_DB_POOL_*`). */
export interface PostgresPoolOptions {
  readonly poolSize?: number;
  readonly maxOverflow?: number;
  readonly poolTimeoutSeconds?: number;
  readonly poolRecycleSeconds?: number;
}

const INT8 = 20;
const TIMESTAMPTZ = 1184;
const TIMESTAMP = 1114;

// PostgreSQL's ISO output of a UTC instant: `2026-01-01 12:00:00.123456+00` (no fraction when 0).
const PG_UTC = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(\+00)?$/;

/**
 * `toISOString()` of a timestamp PostgreSQL sent in its ISO form with the zone `zone` (`+00` for
 * timestamptz in a UTC session, none for timestamp), rearranged as text: two timestamps per
 * record made the Date round trip the hottest function of a record list on PostgreSQL.
 * Fractions are cut to milliseconds, as Date parsing does. Undefined for any other form
 * (another session time zone, BC dates, infinity), which takes the Date path.
 */
function utcText(value: string, zone: '+00' | ''): string | undefined {
  const m = PG_UTC.exec(value);
  if (!m || (m[4] ?? '') !== zone) return undefined;
  return `${m[1]}T${m[2]}.${(m[3] ?? '').padEnd(3, '0').slice(0, 3)}Z`;
}

/**
 * Both dialects hand back the same JS values: counts as numbers (not bigint strings) and
 * timestamps as ISO-8601 UTC strings, as SQLite stores them. Set per pool, never globally.
 */
function getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
  if (oid === INT8) return (v) => {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v;
  };
  if (oid === TIMESTAMPTZ) return (v) => utcText(v, '+00') ?? new Date(v).toISOString();
  if (oid === TIMESTAMP) return (v) => utcText(v, '') ?? new Date(`${v}Z`).toISOString();
  return pg().types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
}

/** A pg pool sized and timed from config; idle clients are recycled. */
export function createPostgresPool(connectionString: string, options: PostgresPoolOptions = {}): Pool {
  const pool = new (pg().Pool)({
    connectionString,
    max: (options.poolSize ?? 5) + (options.maxOverflow ?? 10),
    connectionTimeoutMillis: (options.poolTimeoutSeconds ?? 30) * 1000,
    idleTimeoutMillis: 30_000,
    maxLifetimeSeconds: options.poolRecycleSeconds ?? 3600,
    types: { getTypeParser: getTypeParser as never },
  });
  // A dropped idle connection must not crash the process; the next checkout reconnects.
  pool.on('error', () => undefined);
  return pool;
}
