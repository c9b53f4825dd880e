import type { SqliteOptions } from '@snackbase/db';

export type Environment = 'development' | 'production' | 'testing';

/** The three signing/encryption secrets. */
export interface Secrets {
  readonly secretKey: string;
  readonly tokenSecret: string;
  readonly encryptionKey: string;
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
}
