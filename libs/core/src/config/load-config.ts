import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { DatabaseUrlError, parseDatabaseUrl } from '@snackbase/db';
import type { Config, Environment } from './config';
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
  };
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
