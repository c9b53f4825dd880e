/** Where the data lives, parsed from `SNACKBASE_DATABASE_URL`. */
export type DatabaseTarget =
  | { readonly dialect: 'sqlite'; readonly filename: string }
  | { readonly dialect: 'postgres'; readonly connectionString: string };

/** The SQL dialects SnackBase runs on. */
export type SqlDialect = DatabaseTarget['dialect'];

/** Thrown for a database URL SnackBase cannot use; the message names what is wrong. */
export class DatabaseUrlError extends Error {
  override readonly name = 'DatabaseUrlError';
}

const SQLITE = /^sqlite(\+aiosqlite)?:\/\/(.*)$/i;
const POSTGRES = /^(postgres|postgresql)(\+asyncpg|\+psycopg2?|\+pg)?:\/\//i;

/**
 * Accepts SnackBase's SQLAlchemy-style URLs and the plain forms (spec/DECISIONS.md):
 * `sqlite:///relative.db`, `sqlite:////absolute/path.db` (with or without `+aiosqlite`),
 * `sqlite:///:memory:`, and `postgres://`, `postgresql://`, `postgresql+asyncpg://`.
 * @example parseDatabaseUrl('sqlite+aiosqlite:///./sb_data/snackbase.db') // { dialect: 'sqlite', filename: './sb_data/snackbase.db' }
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  const trimmed = url.trim();
  const sqlite = SQLITE.exec(trimmed);
  if (sqlite) {
    const rest = sqlite[2] ?? '';
    // SQLAlchemy: three slashes then a relative path, four slashes for an absolute one.
    if (!rest.startsWith('/')) throw new DatabaseUrlError('a sqlite URL needs three slashes: sqlite:///path/to.db');
    const filename = decodeURIComponent(rest.slice(1).split('?')[0] ?? '');
    if (!filename) throw new DatabaseUrlError('a sqlite URL needs a file name: sqlite:///path/to.db');
    return { dialect: 'sqlite', filename };
  }
  const pg = POSTGRES.exec(trimmed);
  if (pg) {
    const plain = 'postgres://' + trimmed.slice(pg[0].length);
    let parsed: URL;
    try {
      parsed = new URL(plain);
    } catch {
      throw new DatabaseUrlError('the PostgreSQL URL is not a valid URL');
    }
    if (!parsed.hostname && !parsed.searchParams.get('host')) throw new DatabaseUrlError('the PostgreSQL URL has no host');
    return { dialect: 'postgres', connectionString: plain };
  }
  throw new DatabaseUrlError('unsupported database URL: use sqlite:///path.db or postgres://user@host/db');
}

/** The URL with any password replaced by `***`, for logs and `snackbase info`. */
export function redactDatabaseUrl(url: string): string {
  return url.replace(/(:\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
