import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import { columnTypes, type ColumnTypes } from './column-types';
import { parseDatabaseUrl, type SqlDialect } from './database-url';
import { ImmediateSqliteDialect } from './immediate-sqlite-dialect';
import { createPostgresPool, type PostgresPoolOptions } from './postgres-pool';
import type { GlobalDatabase } from './schema/system-database';
import { openSqlite, type SqliteOptions } from './sqlite-connection';

/** How to reach the database. */
export interface DatabaseOptions {
  /** `SNACKBASE_DATABASE_URL` in any accepted form (see `parseDatabaseUrl`). */
  readonly url: string;
  readonly sqlite?: SqliteOptions;
  readonly postgres?: PostgresPoolOptions;
  /** Called with each query's SQL and duration when `SNACKBASE_DB_ECHO` is on. */
  readonly onQuery?: (sqlText: string, durationMs: number) => void;
}

/** An open SnackBase database: one Kysely instance plus what the rest of the server needs. */
export interface SnackDatabase {
  readonly dialect: SqlDialect;
  /** Global tables only; tenant tables go through `@snackbase/tenancy`. */
  readonly kysely: Kysely<GlobalDatabase>;
  readonly columnTypes: ColumnTypes;
  /** Runs `fn` in one transaction (SQLite: `BEGIN IMMEDIATE`), committed when it resolves. */
  transaction<T>(fn: (trx: Transaction<GlobalDatabase>) => Promise<T>): Promise<T>;
  /** `SELECT 1` within `timeoutMs`; false when the database cannot answer. */
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Opens the database named by `options.url`: better-sqlite3 with WAL, foreign keys and a busy
 * timeout, or a pg pool sized from config.
 * @example const db = createDatabase({ url: 'sqlite:///./sb_data/snackbase.db' });
 */
export function createDatabase(options: DatabaseOptions): SnackDatabase {
  const target = parseDatabaseUrl(options.url);
  const dialect =
    target.dialect === 'sqlite'
      ? new ImmediateSqliteDialect({ database: openSqlite(target.filename, options.sqlite) })
      : new PostgresDialect({ pool: createPostgresPool(target.connectionString, options.postgres) });
  const onQuery = options.onQuery;
  const kysely = new Kysely<GlobalDatabase>({
    dialect,
    log: onQuery
      ? (event) => {
          if (event.level === 'query') onQuery(event.query.sql, event.queryDurationMillis);
        }
      : undefined,
  });
  let closed = false;
  return {
    dialect: target.dialect,
    kysely,
    columnTypes: columnTypes(target.dialect),
    transaction: (fn) => kysely.transaction().execute(fn),
    async ping(timeoutMs = 2000) {
      if (closed) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
      const probe = sql`select 1`.execute(kysely).then(
        () => true,
        () => false,
      );
      try {
        return await Promise.race([probe, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      closed = true;
      await kysely.destroy();
    },
  };
}
