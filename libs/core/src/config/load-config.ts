import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { DatabaseUrlError, parseDatabaseUrl } from '@snackbase/db';
import type { Config, Environment, MailConfig } from './config';
import { ConfigError, parseSetting, type Setting } from './setting';
import { SETTINGS, type SettingName } from './settings';

/** Where settings come from. */
export interface ConfigSources {
  /** Defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** A `.env` file read when present; the environment wins over it. Defaults to `./.env`. */
  readonly envFile?: string | null;
}

type Values = { [K in SettingName]: unknown };

function readEnvFile(path: string | null | undefined): Record<string, string> {
  if (!path || !existsSync(path)) return {};
  try {
    return parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
  } catch (e) {
    throw new ConfigError(`Invalid ${path}: ${(e as Error).message}`);
  }
}

function parseAll(env: Readonly<Record<string, string | undefined>>): Values {
  const out: Record<string, unknown> = {};
  for (const setting of SETTINGS as readonly Setting[]) {
    const raw = env[setting.env];
    const value = raw === undefined || raw === '' ? setting.default : raw;
    out[setting.env] = value === undefined ? undefined : parseSetting(setting, value);
  }
  return out as Values;
}

function checkDatabaseUrl(url: string): void {
  try {
    parseDatabaseUrl(url);
  } catch (e) {
    if (e instanceof DatabaseUrlError) throw new ConfigError(`Invalid SNACKBASE_DATABASE_URL: ${e.message}`);
    throw e;
  }
}

function port(v: Values, env: Readonly<Record<string, string | undefined>>): number {
  if (v.SNACKBASE_PORT !== undefined) return v.SNACKBASE_PORT as number;
  if (env['PORT']) {
    return parseSetting({ env: 'PORT', kind: { type: 'int', min: 0, max: 65535 }, description: '' }, env['PORT']) as number;
  }
  return 8000;
}

/** `SNACKBASE_RATE_LIMIT_ENDPOINTS`: a JSON object of request path → positive requests per minute. */
function endpointLimits(raw: string): Record<string, number> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  const ok = parsed && typeof parsed === 'object' && !Array.isArray(parsed) && Object.values(parsed).every((v) => Number.isInteger(v) && v > 0);
  if (!ok) throw new ConfigError(`Invalid SNACKBASE_RATE_LIMIT_ENDPOINTS: expected a JSON object of path → requests per minute, got ${JSON.stringify(raw.slice(0, 80))}`);
  return { ...(parsed as Record<string, number>) };
}

/** The mail section; the chosen provider's required settings must be present. */
function mailConfig(v: Values): MailConfig {
  const s = (name: SettingName) => v[name] as string | undefined;
  const provider = v.SNACKBASE_MAIL_PROVIDER as MailConfig['provider'];
  const required = { smtp: ['SNACKBASE_SMTP_HOST'], ses: ['SNACKBASE_SES_ACCESS_KEY_ID', 'SNACKBASE_SES_SECRET_ACCESS_KEY'], resend: ['SNACKBASE_RESEND_API_KEY'], none: [] } as const;
  const missing = (required[provider] as readonly SettingName[]).filter((name) => !s(name));
  if (missing.length) throw new ConfigError(`${missing.join(' and ')} must be set when SNACKBASE_MAIL_PROVIDER=${provider}`);
  return {
    provider,
    from: s('SNACKBASE_MAIL_FROM') as string,
    smtp: { host: s('SNACKBASE_SMTP_HOST'), port: v.SNACKBASE_SMTP_PORT as number, user: s('SNACKBASE_SMTP_USER'), password: s('SNACKBASE_SMTP_PASSWORD'), secure: v.SNACKBASE_SMTP_SECURE as MailConfig['smtp']['secure'] },
    ses: { region: s('SNACKBASE_SES_REGION') as string, accessKeyId: s('SNACKBASE_SES_ACCESS_KEY_ID'), secretAccessKey: s('SNACKBASE_SES_SECRET_ACCESS_KEY'), endpoint: s('SNACKBASE_SES_ENDPOINT') },
    resend: { apiKey: s('SNACKBASE_RESEND_API_KEY'), endpoint: s('SNACKBASE_RESEND_ENDPOINT') as string },
  };
}

/**
 * Reads every `SNACKBASE_*` setting from the environment and an optional `.env`, validates them
 * once, and returns a frozen {@link Config}. A wrong value throws {@link ConfigError} whose
 * message is one line naming the variable.
 * @example const config = loadConfig(); // throws ConfigError('Invalid SNACKBASE_PORT: expected …')
 */
export function loadConfig(sources: ConfigSources = {}): Config {
  const fileEnv = readEnvFile(sources.envFile === undefined ? '.env' : sources.envFile);
  const env = { ...fileEnv, ...(sources.env ?? process.env) };
  const v = parseAll(env);
  const s = (name: SettingName) => v[name] as string;
  const n = (name: SettingName) => v[name] as number;
  const b = (name: SettingName) => v[name] as boolean;
  const l = (name: SettingName) => v[name] as string[];
  checkDatabaseUrl(s('SNACKBASE_DATABASE_URL'));
  const config: Config = {
    appName: s('SNACKBASE_APP_NAME'),
    appVersion: s('SNACKBASE_APP_VERSION'),
    environment: s('SNACKBASE_ENVIRONMENT') as Environment,
    debug: b('SNACKBASE_DEBUG'),
    apiPrefix: s('SNACKBASE_API_PREFIX'),
    externalUrl: s('SNACKBASE_EXTERNAL_URL'),
    host: s('SNACKBASE_HOST'),
    port: port(v, env),
    dataDir: resolve(s('SNACKBASE_DATA_DIR')),
    staticDir: resolve(s('SNACKBASE_STATIC_DIR') ?? 'dist/apps/admin/browser'),
    database: {
      url: s('SNACKBASE_DATABASE_URL'),
      poolSize: n('SNACKBASE_DB_POOL_SIZE'),
      maxOverflow: n('SNACKBASE_DB_MAX_OVERFLOW'),
      poolTimeoutSeconds: n('SNACKBASE_DB_POOL_TIMEOUT'),
      poolRecycleSeconds: n('SNACKBASE_DB_POOL_RECYCLE'),
      echo: b('SNACKBASE_DB_ECHO'),
      sqlite: {
        journalMode: s('SNACKBASE_DB_SQLITE_JOURNAL_MODE'),
        synchronous: s('SNACKBASE_DB_SQLITE_SYNCHRONOUS'),
        cacheSize: n('SNACKBASE_DB_SQLITE_CACHE_SIZE'),
        tempStore: s('SNACKBASE_DB_SQLITE_TEMP_STORE'),
        mmapSize: n('SNACKBASE_DB_SQLITE_MMAP_SIZE'),
        busyTimeoutMs: n('SNACKBASE_DB_SQLITE_BUSY_TIMEOUT'),
        foreignKeys: b('SNACKBASE_DB_SQLITE_FOREIGN_KEYS'),
      },
    },
    secrets: {
      secretKey: s('SNACKBASE_SECRET_KEY'),
      tokenSecret: s('SNACKBASE_TOKEN_SECRET'),
      encryptionKey: s('SNACKBASE_ENCRYPTION_KEY'),
    },
    tokens: { accessMinutes: n('SNACKBASE_ACCESS_TOKEN_EXPIRE_MINUTES'), refreshDays: n('SNACKBASE_REFRESH_TOKEN_EXPIRE_DAYS') },
    apiKeys: { maxPerUser: n('SNACKBASE_API_KEY_MAX_PER_USER') },
    cors: {
      origins: l('SNACKBASE_CORS_ORIGINS'),
      allowCredentials: b('SNACKBASE_CORS_ALLOW_CREDENTIALS'),
      methods: l('SNACKBASE_CORS_ALLOW_METHODS'),
      headers: l('SNACKBASE_CORS_ALLOW_HEADERS'),
    },
    log: { level: s('SNACKBASE_LOG_LEVEL') as Config['log']['level'], format: s('SNACKBASE_LOG_FORMAT') as Config['log']['format'] },
    superadmin: { email: s('SNACKBASE_SUPERADMIN_EMAIL'), password: s('SNACKBASE_SUPERADMIN_PASSWORD') },
    security: {
      headersEnabled: b('SNACKBASE_SECURITY_HEADERS_ENABLED'),
      hstsMaxAge: n('SNACKBASE_HSTS_MAX_AGE'),
      csp: s('SNACKBASE_CSP_POLICY'),
      permissionsPolicy: s('SNACKBASE_PERMISSIONS_POLICY'),
      httpsRedirect: b('SNACKBASE_HTTPS_REDIRECT_ENABLED'),
    },
    trustProxy: s('SNACKBASE_TRUST_PROXY'),
    maxBodySize: n('SNACKBASE_MAX_BODY_SIZE'),
    auditLoggingEnabled: b('SNACKBASE_AUDIT_LOGGING_ENABLED'),
    shutdownTimeoutSeconds: n('SNACKBASE_SHUTDOWN_TIMEOUT'),
    singleTenant: singleTenant(v),
    jobs: {
      workerEnabled: b('SNACKBASE_JOB_WORKER_ENABLED'),
      pollIntervalSeconds: n('SNACKBASE_JOB_WORKER_POLL_INTERVAL'),
      executionTimeoutSeconds: n('SNACKBASE_JOB_EXECUTION_TIMEOUT'),
      retentionDays: n('SNACKBASE_JOB_RETENTION_DAYS'),
    },
    webhooks: { maxPerAccount: n('SNACKBASE_MAX_WEBHOOKS_PER_ACCOUNT'), timeoutSeconds: n('SNACKBASE_WEBHOOK_TIMEOUT_SECONDS') },
    records: { maxExpandDepth: n('SNACKBASE_MAX_EXPAND_DEPTH'), batchMaxSize: n('SNACKBASE_BATCH_MAX_SIZE') },
    scheduler: { pollIntervalSeconds: n('SNACKBASE_SCHEDULER_POLL_INTERVAL') },
    outbound: { allowPrivate: allowPrivate(s('SNACKBASE_ENVIRONMENT'), l('SNACKBASE_OUTBOUND_ALLOW_PRIVATE')) },
    hooksDir: s('SNACKBASE_HOOKS_DIR') ? resolve(s('SNACKBASE_HOOKS_DIR')) : undefined,
    mail: mailConfig(v),
    redisUrl: s('SNACKBASE_REDIS_URL'),
    rateLimit: {
      enabled: b('SNACKBASE_RATE_LIMIT_ENABLED'),
      perMinute: n('SNACKBASE_RATE_LIMIT_PER_MINUTE'),
      authenticatedPerMinute: n('SNACKBASE_RATE_LIMIT_AUTHENTICATED_PER_MINUTE'),
      burst: n('SNACKBASE_RATE_LIMIT_BURST'),
      endpoints: endpointLimits(s('SNACKBASE_RATE_LIMIT_ENDPOINTS')),
      authPerIp: n('SNACKBASE_AUTH_RATE_LIMIT_PER_IP'),
      authPerIdentity: n('SNACKBASE_AUTH_RATE_LIMIT_PER_IDENTITY'),
      authWindowSeconds: n('SNACKBASE_AUTH_RATE_LIMIT_WINDOW_SECONDS'),
    },
  };
  return deepFreeze(config);
}

/** Private outbound targets are for development and tests: production never allows them. */
function allowPrivate(environment: string, cidrs: string[]): string[] {
  if (environment === 'production') return [];
  for (const c of cidrs) {
    if (!/^[0-9a-fA-F:.]+\/\d{1,3}$/.test(c)) throw new ConfigError(`Invalid SNACKBASE_OUTBOUND_ALLOW_PRIVATE: expected CIDRs such as 127.0.0.1/32, got "${c}"`);
  }
  return cidrs;
}

/** Single-tenant mode needs its account named (spec §10.15: a start-up error otherwise). */
function singleTenant(v: Values): Config['singleTenant'] {
  if (v.SNACKBASE_SINGLE_TENANT_MODE !== true) return undefined;
  const slug = v.SNACKBASE_SINGLE_TENANT_ACCOUNT as string | undefined;
  if (!slug) throw new ConfigError('SNACKBASE_SINGLE_TENANT_ACCOUNT is required when SNACKBASE_SINGLE_TENANT_MODE is on');
  return { slug, name: (v.SNACKBASE_SINGLE_TENANT_ACCOUNT_NAME as string | undefined) ?? slug };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
