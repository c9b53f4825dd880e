import type { SqliteOptions } from '@snackbase/db';

export type Environment = 'development' | 'production' | 'testing';

/** The three signing/encryption secrets. */
export interface Secrets {
  readonly secretKey: string;
  readonly tokenSecret: string;
  readonly encryptionKey: string;
}

/** Which mail provider sends, and its settings; `none` sends nothing (mails are logged as skipped). */
export interface MailConfig {
  readonly provider: 'smtp' | 'ses' | 'resend' | 'none';
  /** Sender of every mail, e.g. `SnackBase <noreply@example.com>`. */
  readonly from: string;
  readonly smtp: {
    readonly host?: string;
    readonly port: number;
    readonly user?: string;
    readonly password?: string;
    /** `tls`: TLS from the first byte; `starttls`: upgrade required; `none`: plain text. */
    readonly secure: 'tls' | 'starttls' | 'none';
  };
  readonly ses: { readonly region: string; readonly accessKeyId?: string; readonly secretAccessKey?: string; readonly endpoint?: string };
  readonly resend: { readonly apiKey?: string; readonly endpoint: string };
}

/** The validated configuration of one server process; built once at start, then frozen. */
export interface Config {
  readonly appName: string;
  readonly appVersion: string;
  readonly environment: Environment;
  readonly debug: boolean;
  readonly apiPrefix: string;
  readonly externalUrl: string;
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly staticDir: string;
  readonly database: {
    readonly url: string;
    readonly poolSize: number;
    readonly maxOverflow: number;
    readonly poolTimeoutSeconds: number;
    readonly poolRecycleSeconds: number;
    readonly echo: boolean;
    readonly sqlite: SqliteOptions;
  };
  /** Secrets as configured; `undefined` ones are filled by `resolveSecrets` before use. */
  readonly secrets: Partial<Secrets>;
  readonly tokens: { readonly accessMinutes: number; readonly refreshDays: number };
  readonly apiKeys: { readonly maxPerUser: number };
  readonly cors: {
    readonly origins: readonly string[];
    readonly allowCredentials: boolean;
    readonly methods: readonly string[];
    readonly headers: readonly string[];
  };
  readonly log: { readonly level: 'error' | 'warn' | 'info' | 'debug'; readonly format: 'json' | 'console' };
  readonly superadmin: { readonly email?: string; readonly password?: string };
  readonly security: {
    readonly headersEnabled: boolean;
    readonly hstsMaxAge: number;
    readonly csp: string;
    readonly permissionsPolicy: string;
    readonly httpsRedirect: boolean;
  };
  readonly trustProxy: string;
  readonly maxBodySize: number;
  readonly auditLoggingEnabled: boolean;
  readonly shutdownTimeoutSeconds: number;
  /** The background job worker (spec §10.12). */
  readonly jobs: { readonly workerEnabled: boolean; readonly pollIntervalSeconds: number; readonly executionTimeoutSeconds: number; readonly retentionDays: number };
  /** Outbound webhooks (spec §10.10). */
  readonly webhooks: { readonly maxPerAccount: number; readonly timeoutSeconds: number };
  /** Record API limits (spec §4.7, §4.10). */
  readonly records: { readonly maxExpandDepth: number; readonly batchMaxSize: number };
  /** The cron scheduler of schedule hooks (spec §10.11). */
  readonly scheduler: { readonly pollIntervalSeconds: number };
  /** Private CIDRs outbound requests may reach (development and tests only; empty in production). */
  readonly outbound: { readonly allowPrivate: readonly string[] };
  /** One account for everyone (`SNACKBASE_SINGLE_TENANT_*`), or undefined in multi-tenant mode. */
  readonly singleTenant?: { readonly slug: string; readonly name: string };
  /** Folder of user hook modules loaded at start (`SNACKBASE_HOOKS_DIR`), if any. */
  readonly hooksDir?: string;
  /** Outgoing mail (`SNACKBASE_MAIL_*`, `_SMTP_*`, `_SES_*`, `_RESEND_*`). */
  readonly mail: MailConfig;
  /** `SNACKBASE_REDIS_URL`; unset = single-instance, in-memory counters. */
  readonly redisUrl?: string;
  readonly rateLimit: {
    /** The general API limit of spec §10.7 (brute-force protection is on regardless). */
    readonly enabled: boolean;
    readonly perMinute: number;
    readonly authenticatedPerMinute: number;
    readonly burst: number;
    /** Exact request path → requests per minute. */
    readonly endpoints: Readonly<Record<string, number>>;
    /** Auth attempts per client IP per window; 0 = off. */
    readonly authPerIp: number;
    /** Failed auth attempts per account + email per window; 0 = off. */
    readonly authPerIdentity: number;
    readonly authWindowSeconds: number;
  };
}
