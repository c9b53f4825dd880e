import { createDatabase, type SnackDatabase } from '@snackbase/db';
import { createAccountsAdmin, type AccountsAdmin } from './accounts';
import { createCallerGroups, createRuleGates, type RuleGates } from './access';
import { createCollectionCatalog, createCollections, type CollectionCatalog, type Collections } from './collections';
import { createRecordReads, createRecordScopes, createRecordVisibility, createRecordWrites, type RecordReads, type RecordScopes, type RecordWrites } from './records';
import { createAudit, type Audit } from './audit';
import { createCacheBus, type CacheBus } from './cache-bus';
import { createApiKeys, type ApiKeys } from './api-keys';
import { createAuth, type Auth } from './auth';
import { systemContext } from './context';
import { createAppHooks, loadHookModules, withAuthHooks, withIdentityHooks, type AppHooks } from './events';
import { bootstrap } from './bootstrap';
import type { Config, Secrets } from './config';
import { createGroups, type Groups } from './groups';
import { createHealth, type Health } from './health';
import { createIdentity, type Identity } from './identity';
import { assertJobOfPayloadAccount, createJobQueue, WEBHOOK_RETRY_JOB, type JobQueue } from './jobs';
import { createAstCache, type FieldType } from '@snackbase/rules';
import { createMacros, type Macros } from './macros';
import { createInvitations, type Invitations } from './invitations';
import type { Logger } from './logging';
import { createMail, type Mail } from './mail';
import { effectiveAllowPrivate } from './outbound';
import { createRateLimiter, type RateLimiter } from './rate-limit';
import { createRoles, type Roles } from './roles';
import { createUsersAdmin, type UsersAdmin } from './users';
import { createApiHooks, createScheduler, SCHEDULED_HOOK_JOB, subscribeApiHooks, type ApiHooks, type ScheduledHookPayload, type Scheduler } from './scheduler';
import { createWebhooks, defaultWebhookViewer, subscribeRecordWebhooks, type DeliveryRetry, type Webhooks } from './webhooks';

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
  /**
   * Tells every instance to drop cached permission data, webhooks and hooks; for code that writes
   * those tables directly instead of through the modules (which invalidate by themselves).
   */
  readonly bus: CacheBus;
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
  /** The background job queue (spec §10.12); the server starts its worker. */
  readonly jobs: JobQueue;
  /** Outbound webhooks per account (spec §10.10). */
  readonly webhooks: Webhooks;
  /** API-defined hooks per account (spec §10.11): CRUD, event dispatch, the `scheduled_hook` job. */
  readonly apiHooks: ApiHooks;
  /** The cron loop of schedule hooks; the server starts it next to the job worker. */
  readonly scheduler: Scheduler;
  /** Collection definitions and rules, cached per instance and invalidated on change. */
  readonly catalog: CollectionCatalog;
  /** The superadmin collections and collection rules API (spec §3.4, §5.6). */
  readonly collections: Collections;
  /** The rule of an operation as a row condition, for the caller (spec §5). */
  readonly gates: RuleGates;
  /** User-defined rule macros, superadmin only (spec §5.5). */
  readonly macros: Macros;
  /** Whose records a request may touch (spec §4.1). */
  readonly scopes: RecordScopes;
  /** Record create/update/delete and atomic batches (spec §4.5, §4.10). */
  readonly recordWrites: RecordWrites;
  /** Record list, view, aggregate with filters, sorts, cursors and expansion (spec §4.3–§4.11). */
  readonly recordReads: RecordReads;
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

/** The request an event payload belongs to: every app event's payload carries its `ctx`. */
function requestIdOfPayload(payload: unknown): string | undefined {
  const ctx = (payload as { ctx?: { requestId?: unknown } } | null)?.ctx;
  return typeof ctx?.requestId === 'string' && ctx.requestId !== '' ? ctx.requestId : undefined;
}

/** Builds the core from its dependencies. */
export function createCore(deps: CoreDeps): Core {
  const db = deps.db ?? openDatabase(deps.config, deps.logger);
  const hooks =
    deps.hooks ??
    createAppHooks((e, payload) => deps.logger.error('hook failed', { request_id: requestIdOfPayload(payload), hook: e.hookId, event: e.event, phase: e.phase, error: e.message }));
  // Built first: every module that writes identity rows records them through it.
  const audit = createAudit({ db, config: deps.config, logger: deps.logger, hooks });
  const bus = createCacheBus({ redisUrl: deps.config.redisUrl, logger: deps.logger });
  const auth = withAuthHooks(createAuth({ db, config: deps.config, secrets: deps.secrets, audit, bus }), hooks);
  const rateLimit = createRateLimiter({ config: deps.config, logger: deps.logger });
  const mail = createMail({ db, config: deps.config, logger: deps.logger, hooks, audit });
  const apiKeys = createApiKeys({ db, logger: deps.logger, maxPerUser: deps.config.apiKeys.maxPerUser, audit, bus });
  const jobs = createJobQueue({ db, logger: deps.logger, config: deps.config.jobs });
  const webhooks = createWebhooks({
    db,
    logger: deps.logger,
    encryptionKey: deps.secrets.encryptionKey,
    environment: deps.config.environment,
    allowPrivate: deps.config.outbound.allowPrivate,
    maxPerAccount: deps.config.webhooks.maxPerAccount,
    timeoutMs: deps.config.webhooks.timeoutSeconds * 1000,
    audit,
    bus,
    userAgent: `SnackBase/${deps.config.appVersion}`,
    // Payloads carry only what the webhook's owner could read: records through their view rule,
    // field list and PII masks; auth events as the default viewer allows (admins only).
    viewer: (owner, collection, row) => (collection === 'users' ? defaultWebhookViewer(owner, collection, row) : recordVisibility(owner, collection, row)),
    // Retries are jobs: they survive a restart and any instance's worker may run them.
    scheduleRetry: async (retry) => {
      await jobs.enqueue(db, { handler: WEBHOOK_RETRY_JOB, queue: 'webhooks', payload: retry, runAt: new Date(retry.run_at), maxRetries: 0, accountId: retry.account_id });
    },
  });
  jobs.register(WEBHOOK_RETRY_JOB, async (job) => {
    const retry = job.payload as DeliveryRetry;
    assertJobOfPayloadAccount(job, retry.account_id);
    await webhooks.retryDelivery(retry);
  });
  const catalog = createCollectionCatalog({ db, bus });
  const callerGroups = createCallerGroups({ db, bus });
  // Built-ins plus the stored user macros, cached and invalidated through the bus.
  const macros = createMacros({ db, audit, bus, catalog });
  const macroRegistry = () => macros.registry();
  const gates = createRuleGates({ dialect: db.dialect, groups: callerGroups, macros: macroRegistry, astCache: createAstCache({ maxEntries: 1000 }) });
  const scopes = createRecordScopes(db);
  const recordVisibility = createRecordVisibility({ catalog, gates, groups: callerGroups });
  subscribeRecordWebhooks(hooks, webhooks);
  const recordWrites = createRecordWrites({ db, config: deps.config, logger: deps.logger, catalog, gates, scopes, hooks, audit });
  const apiHooks = createApiHooks({
    db,
    logger: deps.logger,
    audit,
    bus,
    jobs,
    recordWrites,
    mail,
    allowPrivate: effectiveAllowPrivate(deps.config.environment, deps.config.outbound.allowPrivate),
    webhookTimeoutMs: deps.config.webhooks.timeoutSeconds * 1000,
    collectionFields: async (name) => (await catalog.byName(name))?.fields.filter((f) => f.type !== 'computed').map((f) => ({ name: f.name, type: f.type as FieldType })),
  });
  subscribeApiHooks(hooks, apiHooks);
  jobs.register(SCHEDULED_HOOK_JOB, async (job) => {
    const payload = job.payload as ScheduledHookPayload;
    assertJobOfPayloadAccount(job, payload.account_id);
    await apiHooks.runScheduled(payload);
  });
  const scheduler = createScheduler({ db, logger: deps.logger, jobs, pollIntervalMs: deps.config.scheduler.pollIntervalSeconds * 1000 });
  hooks.on('auth.afterLogin', (p) => webhooks.dispatch({ accountId: p.account.id, collection: 'users', kind: 'login', record: { ...p.user }, previous: null }).then(() => undefined), {
    id: 'webhooks:login',
    priority: 200,
    locked: true,
  });
  return {
    config: deps.config,
    secrets: deps.secrets,
    logger: deps.logger,
    db,
    health: createHealth(deps.config, db),
    auth,
    audit,
    hooks,
    identity: withIdentityHooks(createIdentity({ db, mail, logger: deps.logger, auth, config: deps.config, audit }), hooks),
    mail,
    groups: createGroups(db, audit, (userId) => bus.invalidate('group-members', userId)),
    invitations: createInvitations({ db, mail, logger: deps.logger, auth, audit }),
    rateLimit,
    roles: createRoles(db, audit),
    accounts: createAccountsAdmin(db, audit),
    // One 'user' invalidation reaches the session and API-key caches of every instance.
    users: createUsersAdmin(db, audit, (userId) => bus.invalidate('user', userId)),
    apiKeys,
    bus,
    jobs,
    webhooks,
    apiHooks,
    scheduler,
    catalog,
    collections: createCollections({ db, catalog, audit, hooks, bus, config: deps.config, macros: macroRegistry }),
    gates,
    macros,
    scopes,
    recordWrites,
    recordReads: createRecordReads({ db, config: deps.config, logger: deps.logger, catalog, gates, scopes, hooks, audit }),
    async start() {
      await bootstrap({ config: deps.config, db, logger: deps.logger, audit });
      await audit.start();
      await loadHookModules({ dir: deps.config.hooksDir, hooks, logger: deps.logger });
      await hooks.runBefore('app.bootstrap', { ctx: systemContext('bootstrap') });
    },
    async close() {
      await scheduler.stop();
      await jobs.stop();
      await hooks.runAfter('app.terminate', { ctx: systemContext('terminate') });
      await webhooks.close();
      await apiHooks.idle();
      await audit.stop();
      await bus.close();
      await rateLimit.close();
      await db.close();
    },
  };
}
