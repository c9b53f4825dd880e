import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '@snackbase/testing';
import { createDatabase, type SnackDatabase } from './create-database';
import { translateDbError } from './db-error';

describe.each(TEST_DIALECTS)('createDatabase on %s', (dialect) => {
  let t: TestDatabase;
  let one: SnackDatabase;

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    await t.db.destroy();
    one = createDatabase({ url: t.url, sqlite: { busyTimeoutMs: 10_000 } });
    await one.kysely.schema.createTable('counter').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('n', 'integer', (c) => c.notNull()).execute();
    await one.kysely.schema
      .createTable('item')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'varchar(20)', (c) => c.notNull().unique())
      .addColumn('counter_id', 'integer', (c) => c.references('counter.id'))
      .execute();
    await sql`insert into counter (id, n) values (1, 0)`.execute(one.kysely);
  });
  afterAll(async () => {
    await one.close();
    await t.destroy();
  });

  it('answers ping and reports its dialect', async () => {
    expect(one.dialect).toBe(dialect);
    expect(await one.ping()).toBe(true);
  });

  if (dialect === 'sqlite') {
    it('runs with WAL and foreign keys on', async () => {
      const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(one.kysely);
      expect(mode.rows[0]?.journal_mode).toBe('wal');
      const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(one.kysely);
      expect(fk.rows[0]?.foreign_keys).toBe(1);
    });
  }

  it('queues concurrent read-then-write transactions from other processes instead of failing', async () => {
    // better-sqlite3 is synchronous, so writers that compete for SQLite's lock are separate
    // processes (as two servers or the CLI next to a server are). With a deferred BEGIN, two
    // that both read first deadlock on the upgrade to a write lock and one fails with
    // SQLITE_BUSY; BEGIN IMMEDIATE makes them queue on the busy timeout.
    const script = `
      const { sql } = require('kysely');
      const { createDatabase } = require(${JSON.stringify(join(__dirname, 'create-database'))});
      const db = createDatabase({ url: process.argv[1], sqlite: { busyTimeoutMs: 20000 } });
      (async () => {
        // Start together, whatever each process's start-up time was.
        await new Promise((r) => setTimeout(r, Number(process.argv[2]) - Date.now()));
        for (let i = 0; i < 15; i++) {
          await db.transaction(async (trx) => {
            const row = await sql\`select n from counter where id = 1\`.execute(trx);
            await new Promise((r) => setTimeout(r, 3));
            await sql\`update counter set n = \${Number(row.rows[0].n) + 1} where id = 1\`.execute(trx);
          });
        }
        await db.close();
      })().catch((e) => { console.error(e.code || e.message); process.exit(1); });`;
    const startAt = String(Date.now() + 3000);
    const run = () =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['-r', '@swc-node/register', '-e', script, t.url, startAt], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d) => (stderr += String(d)));
        child.on('exit', (code) => resolve({ code, stderr }));
      });
    const results = await Promise.all([run(), run(), run()]);
    expect(results).toEqual([{ code: 0, stderr: '' }, { code: 0, stderr: '' }, { code: 0, stderr: '' }]);
    const final = await sql<{ n: number }>`select n from counter where id = 1`.execute(one.kysely);
    // SQLite serialises the whole transaction; PostgreSQL's READ COMMITTED may lose updates
    // here (no row lock was taken), so only SQLite's count is exact.
    if (dialect === 'sqlite') expect(Number(final.rows[0]?.n)).toBe(45);
    else expect(Number(final.rows[0]?.n)).toBeGreaterThan(0);
  }, 60_000);

  it('rolls back a failed transaction completely', async () => {
    await expect(
      one.transaction(async (trx) => {
        await sql`insert into item (id, name) values (10, 'kept?')`.execute(trx);
        await sql`insert into item (id, name) values (11, 'kept?')`.execute(trx);
      }),
    ).rejects.toBeDefined();
    const rows = await sql`select * from item where id in (10, 11)`.execute(one.kysely);
    expect(rows.rows).toEqual([]);
  });

  it('translates constraint errors without exposing SQL', async () => {
    await sql`insert into item (id, name) values (1, 'dup')`.execute(one.kysely);
    const unique = await sql`insert into item (id, name) values (2, 'dup')`.execute(one.kysely).catch((e: unknown) => translateDbError(e));
    expect(unique).toMatchObject({ kind: 'unique', columns: ['name'] });
    const fk = await sql`insert into item (id, name, counter_id) values (3, 'x', 999)`.execute(one.kysely).catch((e: unknown) => translateDbError(e));
    expect(fk).toMatchObject({ kind: 'foreign_key' });
    const nn = await sql`insert into item (id, name) values (4, null)`.execute(one.kysely).catch((e: unknown) => translateDbError(e));
    expect(nn).toMatchObject({ kind: 'not_null', columns: ['name'] });
    expect((unique as Error).message).not.toMatch(/insert|select/i);
  });

  it('ping is false, not a throw, once closed', async () => {
    const extra = createDatabase({ url: t.url });
    await extra.close();
    expect(await extra.ping(500)).toBe(false);
  });
});

describe('ping against an unreachable PostgreSQL', () => {
  it('returns false within the timeout', async () => {
    const db = createDatabase({ url: 'postgres://postgres@127.0.0.1:1/none', postgres: { poolTimeoutSeconds: 1 } });
    const started = Date.now();
    expect(await db.ping(1500)).toBe(false);
    expect(Date.now() - started).toBeLessThan(3000);
    const err = await db.kysely.selectFrom('accounts').selectAll().execute().catch((e: unknown) => translateDbError(e));
    expect(err).toMatchObject({ kind: 'unavailable' });
    await db.close();
  });
});
