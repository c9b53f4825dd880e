import { createDatabase, type SnackDatabase } from '@snackbase/db';
import { createAuth, type Auth } from './auth';
import { bootstrap } from './bootstrap';
import type { Config, Secrets } from './config';
import { createHealth, type Health } from './health';
import type { Logger } from './logging';

/** What the core needs from the composition root. */
export interface CoreDeps {
  readonly config: Config;
  readonly secrets: Secrets;
  readonly logger: Logger;
  /** Defaults to a database opened from `config.database`. */
  readonly db?: SnackDatabase;
}

/** The product, as transports (HTTP, CLI) see it. Everything hangs off this; no singletons. */
export interface Core {
  readonly config: Config;
  readonly secrets: Secrets;
  readonly logger: Logger;
  readonly db: SnackDatabase;
  readonly health: Health;
  readonly auth: Auth;
  /** Migrates and seeds (spec §0.4); call once before serving. */
  start(): Promise<void>;
  /** Closes the database pool. */
  close(): Promise<void>;
}

/** Opens the database named by the config with the configured pool and SQLite settings. */
export function openDatabase(config: Config, logger: Logger): SnackDatabase {
  const d = config.database;
  return createDatabase({
    url: d.url,
    sqlite: d.sqlite,
    postgres: { poolSize: d.poolSize, maxOverflow: d.maxOverflow, poolTimeoutSeconds: d.poolTimeoutSeconds, poolRecycleSeconds: d.poolRecycleSeconds },
    onQuery: d.echo ? (sql, ms) => logger.debug('sql', { sql, ms }) : undefined,
  });
}

/** Builds the core from its dependencies. */
export function createCore(deps: CoreDeps): Core {
  const db = deps.db ?? openDatabase(deps.config, deps.logger);
  return {
    config: deps.config,
    secrets: deps.secrets,
    logger: deps.logger,
    db,
    health: createHealth(deps.config, db),
    auth: createAuth({ db, config: deps.config, secrets: deps.secrets }),
    start: () => bootstrap({ config: deps.config, db, logger: deps.logger }),
    close: () => db.close(),
  };
}
