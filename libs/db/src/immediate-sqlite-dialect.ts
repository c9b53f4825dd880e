import {
  CompiledQuery,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
} from 'kysely';
import { withCachedStatements } from './cached-statements';
import { FairLock } from './fair-lock';

/**
 * Kysely's SQLite driver starts transactions with a plain `BEGIN`, which takes the write lock
 * only at the first write: two processes that both read first then deadlock into SQLITE_BUSY.
 * `BEGIN IMMEDIATE` takes it up front, so concurrent writers queue on the busy timeout instead.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  // Taken before Kysely's own mutex, which is then always free: see FairLock for why.
  readonly #turn = new FairLock();

  override async acquireConnection(): Promise<DatabaseConnection> {
    await this.#turn.acquire();
    try {
      return await super.acquireConnection();
    } catch (e) {
      this.#turn.release();
      throw e;
    }
  }

  override async releaseConnection(): Promise<void> {
    await super.releaseConnection();
    this.#turn.release();
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** SQLite's DDL is transactional; saying so lets Kysely's Migrator run each migration atomically. */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/**
 * {@link SqliteDialect} whose transactions begin with `BEGIN IMMEDIATE` and include DDL, and
 * whose connection reuses prepared statements (see {@link withCachedStatements}).
 */
export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: ConstructorParameters<typeof SqliteDialect>[0];

  constructor(config: ConstructorParameters<typeof SqliteDialect>[0]) {
    const database = typeof config.database === 'function' ? config.database : withCachedStatements(config.database);
    super({ ...config, database });
    this.#config = { ...config, database };
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}
