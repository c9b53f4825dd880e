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

/** True when `value` has an ASCII digit at each index of [from, to). */
function digits(value: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * `toISOString()` of a timestamp PostgreSQL sent in its ISO form, `2026-01-01 12:00:00.123456`
 * (no fraction when 0) followed by the zone `zone` (`+00` for timestamptz in a UTC session, none
 * for timestamp), rearranged as text: two timestamps per record made the Date round trip the
 * hottest function of a record list on PostgreSQL. Checked character by character rather than
 * by a regular expression, whose match array and captures were a few percent of a list's
 * allocations. Fractions are cut to milliseconds, as Date parsing does. Undefined for any other
 * form (another session time zone, BC dates, infinity, years past 9999), which takes the Date path.
 */
export function utcText(value: string, zone: '+00' | ''): string | undefined {
  const end = value.length - zone.length;
  if (end < 19 || !value.endsWith(zone)) return undefined;
  // YYYY-MM-DD HH:MM:SS
  if (value[4] !== '-' || value[7] !== '-' || value[10] !== ' ' || value[13] !== ':' || value[16] !== ':') return undefined;
  if (!digits(value, 0, 4) || !digits(value, 5, 7) || !digits(value, 8, 10) || !digits(value, 11, 13) || !digits(value, 14, 16) || !digits(value, 17, 19)) return undefined;
  let millis = '000';
  if (end > 19) {
    // .F to .FFFFFF
    if (value[19] !== '.' || end < 21 || end > 26 || !digits(value, 20, end)) return undefined;
    millis = end >= 23 ? value.slice(20, 23) : value.slice(20, end).padEnd(3, '0');
  }
  return `${value.slice(0, 10)}T${value.slice(11, 19)}.${millis}Z`;
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
