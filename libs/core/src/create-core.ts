import { createDatabase, type SnackDatabase } from '@snackbase/db';
import { createAccountsAdmin, type AccountsAdmin } from './accounts';
import { createAudit, type Audit } from './audit';
import { createApiKeys, type ApiKeys } from './api-keys';
import { createAuth, type Auth } from './auth';
import { systemContext } from './context';
import { createAppHooks, loadHookModules, withAuthHooks, type AppHooks } from './events';
import { bootstrap } from './bootstrap';
import type { Config, Secrets } from './config';
import { createGroups, type Groups } from './groups';
import { createHealth, type Health } from './health';
import { createIdentity, type Identity } from './identity';
import { createInvitations, type Invitations } from './invitations';
import type { Logger } from './logging';
import { createMail, type Mail } from './mail';
import { createRateLimiter, type RateLimiter } from './rate-limit';
import { createRoles, type Roles } from './roles';
import { createUsersAdmin, type UsersAdmin } from './users';

/** What the core needs from the composition root. */
export interface CoreDeps {
  readonly config: Config;
  readonly secrets: Secrets;
  readonly logger: Logger;
  /** Defaults to a database opened from `config.database`. */
  readonly db?: SnackDatabase;
  /** Defaults to a fresh registry whose after-hook failures are logged. */
  readonly hooks?: AppHooks;
}

/** The product, as transports (HTTP, CLI) see it. Everything hangs off this; no singletons. */
export interface Core {
  readonly config: Config;
  readonly secrets: Secrets;
  readonly logger: Logger;
  readonly db: SnackDatabase;
  readonly health: Health;
  readonly auth: Auth;
  /** The append-only, hash-chained audit log (spec §7). */
  readonly audit: Audit;
  /** The typed hook registry of the event catalogue (spec §6.2). */
  readonly hooks: AppHooks;
  /** Registration, email verification, password reset. */
  readonly identity: Identity;
  /** Templates, sending through the configured provider, send log. */
  readonly mail: Mail;
  readonly groups: Groups;
  /** Invitations into an account: mail, public lookup, accept. */
  readonly invitations: Invitations;
  /** Brute-force and API rate-limit counters (in Redis when SNACKBASE_REDIS_URL is set). */
  readonly rateLimit: RateLimiter;
  readonly roles: Roles;
  /** Superadmin accounts API. */
  readonly accounts: AccountsAdmin;
  /** Superadmin users API. */
  readonly users: UsersAdmin;
  /** Superadmin API keys and the check behind `X-API-Key` (spec §2.7). */
  readonly apiKeys: ApiKeys;
  /** Migrates and seeds (spec §0.4); call once before serving. */
  start(): Promise<void>;
  /** Closes the Redis client and the database pool. */
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
  const hooks =
    deps.hooks ?? createAppHooks((e) => deps.logger.error('hook failed', { hook: e.hookId, event: e.event, phase: e.phase, error: e.message }));
  const auth = withAuthHooks(createAuth({ db, config: deps.config, secrets: deps.secrets }), hooks);
  const rateLimit = createRateLimiter({ config: deps.config, logger: deps.logger });
  const mail = createMail({ db, config: deps.config, logger: deps.logger });
  const apiKeys = createApiKeys({ db, logger: deps.logger, maxPerUser: deps.config.apiKeys.maxPerUser });
  return {
    config: deps.config,
    secrets: deps.secrets,
    logger: deps.logger,
    db,
    health: createHealth(deps.config, db),
    auth,
    audit: createAudit({ db, config: deps.config, logger: deps.logger }),
    hooks,
    identity: createIdentity({ db, mail, logger: deps.logger, auth, config: deps.config }),
    mail,
    groups: createGroups(db),
    invitations: createInvitations({ db, mail, logger: deps.logger, auth }),
    rateLimit,
    roles: createRoles(db),
    accounts: createAccountsAdmin(db),
    users: createUsersAdmin(db, (userId) => {
      auth.forgetUser(userId);
      apiKeys.forgetUser(userId);
    }),
    apiKeys,
    async start() {
      await bootstrap({ config: deps.config, db, logger: deps.logger });
      await loadHookModules({ dir: deps.config.hooksDir, hooks, logger: deps.logger });
      await hooks.runBefore('app.bootstrap', { ctx: systemContext('bootstrap') });
    },
    async close() {
      await hooks.runAfter('app.terminate', { ctx: systemContext('terminate') });
      await rateLimit.close();
      await db.close();
    },
  };
}
