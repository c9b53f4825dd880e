import type { Setting } from './setting';

const SQLITE_WORD = { type: 'string', pattern: /^[A-Za-z]+$/, hint: 'a SQLite pragma word' } as const;

/**
 * Every `SNACKBASE_*` variable the server reads (spec §10.15, plus ours). `.env.example` lists
 * the same names; a spec keeps the two in step.
 */
export const SETTINGS = [
  { env: 'SNACKBASE_APP_NAME', kind: { type: 'string' }, default: 'SnackBase', description: 'Service name in health answers and mails' },
  { env: 'SNACKBASE_APP_VERSION', kind: { type: 'string' }, default: '0.1.0', description: 'Version reported by /health and /api/v1' },
  { env: 'SNACKBASE_ENVIRONMENT', kind: { type: 'enum', values: ['development', 'production', 'testing'] }, default: 'development', description: 'production refuses missing or weak secrets' },
  { env: 'SNACKBASE_DEBUG', kind: { type: 'bool' }, default: 'false', description: 'More logging; never exposes stack traces to clients' },
  { env: 'SNACKBASE_API_PREFIX', kind: { type: 'string', pattern: /^\/[a-z0-9/_-]*[a-z0-9]$/, hint: 'a path such as /api/v1' }, default: '/api/v1', description: 'Prefix of every API route' },
  { env: 'SNACKBASE_EXTERNAL_URL', kind: { type: 'url' }, default: 'http://localhost:8000', description: 'Public URL; seeds app_url for links in mails' },
  { env: 'SNACKBASE_HOST', kind: { type: 'string', pattern: /^[A-Za-z0-9.:-]+$/, hint: 'a host name or IP address' }, default: '0.0.0.0', description: 'Interface to listen on' },
  { env: 'SNACKBASE_PORT', kind: { type: 'int', min: 0, max: 65535 }, description: 'Port to listen on (default 8000; PORT is accepted as a fallback)' },
  { env: 'SNACKBASE_DATA_DIR', kind: { type: 'string' }, default: './sb_data', description: 'Folder for the SQLite file, files and generated development secrets' },
  { env: 'SNACKBASE_STATIC_DIR', kind: { type: 'string' }, description: 'Folder of the built admin console (default dist/apps/admin/browser)' },
  { env: 'SNACKBASE_DATABASE_URL', kind: { type: 'string' }, default: 'sqlite+aiosqlite:///./sb_data/snackbase.db', description: 'sqlite:///path.db or postgres://user:pass@host/db (SQLAlchemy forms accepted)' },
  { env: 'SNACKBASE_DB_POOL_SIZE', kind: { type: 'int', min: 1, max: 1000 }, default: '5', description: 'PostgreSQL pool size' },
  { env: 'SNACKBASE_DB_MAX_OVERFLOW', kind: { type: 'int', min: 0, max: 1000 }, default: '10', description: 'Extra PostgreSQL connections under load' },
  { env: 'SNACKBASE_DB_POOL_TIMEOUT', kind: { type: 'int', min: 1, max: 3600 }, default: '30', description: 'Seconds to wait for a PostgreSQL connection' },
  { env: 'SNACKBASE_DB_POOL_RECYCLE', kind: { type: 'int', min: 1, max: 86400 }, default: '3600', description: 'Seconds before a PostgreSQL connection is replaced' },
  { env: 'SNACKBASE_DB_ECHO', kind: { type: 'bool' }, default: 'false', description: 'Log every SQL statement (debug level)' },
  { env: 'SNACKBASE_DB_SQLITE_JOURNAL_MODE', kind: SQLITE_WORD, default: 'WAL', description: 'SQLite journal mode' },
  { env: 'SNACKBASE_DB_SQLITE_SYNCHRONOUS', kind: SQLITE_WORD, default: 'NORMAL', description: 'SQLite synchronous pragma' },
  { env: 'SNACKBASE_DB_SQLITE_CACHE_SIZE', kind: { type: 'int', min: -10_000_000, max: 10_000_000 }, default: '-64000', description: 'SQLite cache_size pragma' },
  { env: 'SNACKBASE_DB_SQLITE_TEMP_STORE', kind: SQLITE_WORD, default: 'MEMORY', description: 'SQLite temp_store pragma' },
  { env: 'SNACKBASE_DB_SQLITE_MMAP_SIZE', kind: { type: 'int', min: 0, max: 1e12 }, default: '268435456', description: 'SQLite mmap_size pragma' },
  { env: 'SNACKBASE_DB_SQLITE_BUSY_TIMEOUT', kind: { type: 'int', min: 0, max: 600_000 }, default: '5000', description: 'Milliseconds a writer waits for the SQLite lock' },
  { env: 'SNACKBASE_DB_SQLITE_FOREIGN_KEYS', kind: { type: 'bool' }, default: 'true', description: 'Enforce foreign keys on SQLite' },
  { env: 'SNACKBASE_SECRET_KEY', kind: { type: 'string' }, secret: true, description: 'Signs access tokens (≥ 32 bytes; generated in development)' },
  { env: 'SNACKBASE_TOKEN_SECRET', kind: { type: 'string' }, secret: true, description: 'Signs sb_* tokens (≥ 32 bytes; generated in development)' },
  { env: 'SNACKBASE_ENCRYPTION_KEY', kind: { type: 'string' }, secret: true, description: 'Encrypts stored provider secrets (≥ 32 bytes; generated in development)' },
  { env: 'SNACKBASE_ACCESS_TOKEN_EXPIRE_MINUTES', kind: { type: 'int', min: 1, max: 10080 }, default: '60', description: 'Access token lifetime' },
  { env: 'SNACKBASE_REFRESH_TOKEN_EXPIRE_DAYS', kind: { type: 'int', min: 1, max: 365 }, default: '7', description: 'Refresh token lifetime' },
  { env: 'SNACKBASE_CORS_ORIGINS', kind: { type: 'list' }, default: '', description: 'Allowed browser origins (JSON array or comma list); empty = closed' },
  { env: 'SNACKBASE_CORS_ALLOW_CREDENTIALS', kind: { type: 'bool' }, default: 'true', description: 'Allow credentials on CORS requests' },
  { env: 'SNACKBASE_CORS_ALLOW_METHODS', kind: { type: 'list' }, default: '*', description: 'Allowed CORS methods' },
  { env: 'SNACKBASE_CORS_ALLOW_HEADERS', kind: { type: 'list' }, default: '*', description: 'Allowed CORS request headers' },
  { env: 'SNACKBASE_LOG_LEVEL', kind: { type: 'enum', values: ['error', 'warn', 'info', 'debug'] }, default: 'info', description: 'Log level' },
  { env: 'SNACKBASE_LOG_FORMAT', kind: { type: 'enum', values: ['json', 'console'] }, default: 'json', description: 'JSON lines or human-readable' },
  { env: 'SNACKBASE_SUPERADMIN_EMAIL', kind: { type: 'string', pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/, hint: 'an email address' }, description: 'Creates this superadmin at first start' },
  { env: 'SNACKBASE_SUPERADMIN_PASSWORD', kind: { type: 'string' }, secret: true, description: 'Password of that superadmin (password policy applies)' },
  { env: 'SNACKBASE_SECURITY_HEADERS_ENABLED', kind: { type: 'bool' }, default: 'true', description: 'Send the security headers' },
  { env: 'SNACKBASE_HSTS_MAX_AGE', kind: { type: 'int', min: 0, max: 63_072_000 }, default: '31536000', description: 'HSTS max-age (sent in production)' },
  {
    env: 'SNACKBASE_CSP_POLICY',
    kind: { type: 'string' },
    default: "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'",
    description: 'Content-Security-Policy header',
  },
  {
    env: 'SNACKBASE_PERMISSIONS_POLICY',
    kind: { type: 'string' },
    default: 'geolocation=(), microphone=(), camera=(), payment=(), usb=(), magnetometer=(), gyroscope=(), accelerometer=()',
    description: 'Permissions-Policy header',
  },
  { env: 'SNACKBASE_HTTPS_REDIRECT_ENABLED', kind: { type: 'bool' }, default: 'false', description: 'Redirect plain HTTP to HTTPS in production' },
  { env: 'SNACKBASE_TRUST_PROXY', kind: { type: 'string', pattern: /^(true|false|\d+|[0-9a-fA-F.:/, ]+|loopback|linklocal|uniquelocal)$/, hint: 'false, true, a hop count or addresses' }, default: 'false', description: 'Trust X-Forwarded-* from these proxies (Express trust proxy)' },
  { env: 'SNACKBASE_MAX_BODY_SIZE', kind: { type: 'int', min: 1024, max: 1_073_741_824 }, default: '1048576', description: 'Largest JSON body in bytes (413 beyond)' },
  { env: 'SNACKBASE_AUDIT_LOGGING_ENABLED', kind: { type: 'bool' }, default: 'true', description: 'Reported by /health; the audit log itself lands with its issue' },
  { env: 'SNACKBASE_SHUTDOWN_TIMEOUT', kind: { type: 'int', min: 1, max: 600 }, default: '10', description: 'Seconds to drain requests on SIGTERM' },
] as const satisfies readonly Setting[];

/** The name of one of {@link SETTINGS}. */
export type SettingName = (typeof SETTINGS)[number]['env'];
