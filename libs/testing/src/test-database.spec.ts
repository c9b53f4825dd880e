import { existsSync } from 'node:fs';
import { sql } from 'kysely';
import { Client } from 'pg';
import { createTestDatabase, TEST_DIALECTS, TEST_PG_URL } from './test-database';

describe.each(TEST_DIALECTS)('createTestDatabase(%s)', (dialect) => {
  it('gives each caller its own empty database and removes it afterwards', async () => {
    const a = await createTestDatabase(dialect);
    const b = await createTestDatabase(dialect);
    expect(a.url).not.toBe(b.url);
    await a.db.schema.createTable('only_in_a').addColumn('id', 'integer').execute();
    const tables = async (t: typeof a) =>
      dialect === 'sqlite'
        ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(t.db)).rows.map((r) => r.name)
        : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'public'`.execute(t.db)).rows.map((r) => r.name);
    expect(await tables(a)).toEqual(['only_in_a']);
    expect(await tables(b)).toEqual([]);
    await a.destroy();
    await b.destroy();
    if (dialect === 'sqlite') {
      expect(existsSync(new URL(a.url.replace('sqlite:///', 'file://')).pathname)).toBe(false);
    } else {
      const client = new Client({ connectionString: TEST_PG_URL });
      await client.connect();
      const name = new URL(a.url).pathname.slice(1);
      const left = await client.query('select 1 from pg_database where datname = $1', [name]);
      await client.end();
      expect(left.rowCount).toBe(0);
    }
  });
});

describe('an unreachable PostgreSQL', () => {
  it('fails with one line naming the URL instead of skipping', async () => {
    jest.resetModules();
    process.env['SNACKBASE_TEST_PG_URL'] = 'postgres://postgres@127.0.0.1:1/test';
    try {
      const { createTestDatabase: create } = await import('./test-database');
      await expect(create('postgres')).rejects.toThrow('PostgreSQL is required by this spec and unreachable at postgres://postgres@127.0.0.1:1/test');
    } finally {
      delete process.env['SNACKBASE_TEST_PG_URL'];
    }
  });
});
