import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { Client, Pool } from 'pg';

/** The two SQL dialects every database spec runs on. */
export type TestDialect = 'sqlite' | 'postgres';
export const TEST_DIALECTS: readonly TestDialect[] = ['sqlite', 'postgres'];

/** The PostgreSQL server specs use; each spec file gets its own database on it. */
export const TEST_PG_URL = process.env['SNACKBASE_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh, empty database of one dialect, owned by one spec file. */
export interface TestDatabase {
  readonly dialect: TestDialect;
  /** A URL SnackBase's config accepts (`sqlite:////abs/file.db` or `postgres://…/db`). */
  readonly url: string;
  /** A plain Kysely instance on it (no SnackBase pragmas or plugins). */
  readonly db: Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Closes connections and removes the file or drops the database. */
  destroy(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Fails the spec with one line naming the URL when PostgreSQL cannot be reached (never skips). */
async function adminQuery(sql: string): Promise<void> {
  const client = new Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (e) {
    throw new Error(`PostgreSQL is required by this spec and unreachable at ${TEST_PG_URL}: ${(e as Error).message}`);
  }
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function createPostgres(): Promise<TestDatabase> {
  const name = `sb_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  const url = withDatabase(TEST_PG_URL, name);
  const pool = new Pool({ connectionString: url, max: 10 });
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) }); // eslint-disable-line @typescript-eslint/no-explicit-any
  return {
    dialect: 'postgres',
    url,
    db,
    async destroy() {
      await db.destroy();
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

function createSqlite(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'sb-test-'));
  const file = join(dir, 'test.db');
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(file) }) }); // eslint-disable-line @typescript-eslint/no-explicit-any
  return {
    dialect: 'sqlite',
    url: `sqlite:///${file}`,
    db,
    async destroy() {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Creates a fresh database for one spec file: a new SQLite file in a temp folder, or a new
 * PostgreSQL database on {@link TEST_PG_URL}.
 * @example
 * describe.each(TEST_DIALECTS)('%s', (dialect) => {
 *   let t: TestDatabase;
 *   beforeAll(async () => { t = await createTestDatabase(dialect); });
 *   afterAll(() => t.destroy());
 * });
 */
export async function createTestDatabase(dialect: TestDialect): Promise<TestDatabase> {
  return dialect === 'postgres' ? createPostgres() : createSqlite();
}
