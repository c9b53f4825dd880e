import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import { columnTypes, type ColumnTypes } from './column-types';
import { parseDatabaseUrl, type SqlDialect } from './database-url';
import { GroupCommit } from './group-commit';
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
  /**
   * Receives what an {@link SnackDatabase.afterCommit} work threw (the transaction has committed,
   * so it cannot fail any more); default: a process warning.
   */
  readonly onAfterCommitError?: (error: unknown) => void;
}

/** Work queued by {@link SnackDatabase.afterCommit}; its result is ignored. */
export type AfterCommitWork = () => unknown;

/** How {@link SnackDatabase.transaction} may run a transaction. */
export interface TransactionOptions {
  /**
   * SQLite: the transaction may share its BEGIN and COMMIT with other such transactions that
   * wait for the database at the same time (see `GroupCommit`); it still commits or rolls back
   * as a whole, and is answered once committed. Only for short work that waits on nothing but
   * this transaction's statements: the others of its group wait for it. Ignored on PostgreSQL,
   * whose concurrent commits already share their WAL flushes.
   */
  readonly groupCommit?: boolean;
}

/** An open SnackBase database: one Kysely instance plus what the rest of the server needs. */
export interface SnackDatabase {
  readonly dialect: SqlDialect;
  /** Global tables only; tenant tables go through `@snackbase/tenancy`. */
  readonly kysely: Kysely<GlobalDatabase>;
  readonly columnTypes: ColumnTypes;
  /** Runs `fn` in one transaction (SQLite: `BEGIN IMMEDIATE`), committed when it resolves. */
  transaction<T>(fn: (trx: Transaction<GlobalDatabase>) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * Queues `work` to run after `trx` commits: in queue order, awaited one by one before
   * {@link transaction} resolves; dropped when the transaction rolls back. A failure of one work
   * goes to `onAfterCommitError` and neither stops the others nor rejects the committed
   * transaction. Throws when `trx` was not started by {@link transaction} or has already ended
   * (a programming error: the work would silently never run).
   * @example await db.transaction(async (trx) => { await write(trx); db.afterCommit(trx, () => notify()); });
   */
  afterCommit(trx: Transaction<GlobalDatabase>, work: AfterCommitWork): void;
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
  const queues = new WeakMap<Transaction<GlobalDatabase>, AfterCommitWork[]>();
  const reportAfterCommit = options.onAfterCommitError ?? ((e: unknown) => process.emitWarning(`after-commit work failed: ${(e as Error)?.message ?? String(e)}`));

  /** Runs `fn` with an after-commit queue open for `trx`, closed before COMMIT. */
  async function withQueue<T>(trx: Transaction<GlobalDatabase>, queue: AfterCommitWork[], fn: (trx: Transaction<GlobalDatabase>) => Promise<T>): Promise<T> {
    queues.set(trx, queue);
    try {
      return await fn(trx);
    } finally {
      // Closed before COMMIT: work queued later could no longer be tied to this transaction.
      queues.delete(trx);
    }
  }

  /** Runs a committed transaction's queue in order; failures are reported, never thrown. */
  async function runQueue(queue: AfterCommitWork[]): Promise<void> {
    for (const work of queue) {
      try {
        await work();
      } catch (e) {
        reportAfterCommit(e);
      }
    }
  }

  const group = target.dialect === 'sqlite' ? new GroupCommit(kysely) : undefined;

  async function transaction<T>(fn: (trx: Transaction<GlobalDatabase>) => Promise<T>, options?: TransactionOptions): Promise<T> {
    const queue: AfterCommitWork[] = [];
    if (group && options?.groupCommit) {
      const result = await new Promise<T>((resolve, reject) => {
        let value!: T;
        group.add({
          work: async (trx) => void (value = await withQueue(trx, queue, fn)),
          committed: () => resolve(value),
          failed: reject,
        });
      });
      await runQueue(queue);
      return result;
    }
    const result = await kysely.transaction().execute((trx) => withQueue(trx, queue, fn));
    await runQueue(queue);
    return result;
  }

  return {
    dialect: target.dialect,
    kysely,
    columnTypes: columnTypes(target.dialect),
    transaction,
    afterCommit(trx, work) {
      const queue = queues.get(trx);
      if (!queue) throw new Error('afterCommit needs a transaction started by db.transaction() that is still running');
      queue.push(work);
    },
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
