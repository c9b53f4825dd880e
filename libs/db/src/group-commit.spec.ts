import BetterSqlite3 from 'better-sqlite3';
import { sql, type Transaction } from 'kysely';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '@snackbase/testing';
import { createDatabase, type SnackDatabase } from './create-database';
import { parseDatabaseUrl } from './database-url';
import type { GlobalDatabase } from './schema/system-database';

const GROUPED = { groupCommit: true } as const;

describe.each(TEST_DIALECTS)('grouped transactions on %s', (dialect) => {
  let t: TestDatabase;
  let db: SnackDatabase;
  const statements: string[] = [];

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    await t.db.destroy();
    db = createDatabase({ url: t.url, sqlite: { busyTimeoutMs: 100 }, onQuery: (text) => statements.push(text.toLowerCase()) });
    await db.kysely.schema.createTable('note').addColumn('id', 'integer', (c) => c.primaryKey()).execute();
    // Deferred: checked only at COMMIT, so a member can make the shared COMMIT fail.
    await sql`create table child (id integer primary key, note_id integer references note(id) deferrable initially deferred)`.execute(db.kysely);
  });
  afterAll(async () => {
    await db.close();
    await t.destroy();
  });
  beforeEach(async () => {
    await sql`delete from child`.execute(db.kysely);
    await sql`delete from note`.execute(db.kysely);
    statements.length = 0;
  });

  const ids = async () => (await sql<{ id: number }>`select id from note order by id`.execute(db.kysely)).rows.map((r) => Number(r.id));
  const insert = (trx: Transaction<GlobalDatabase>, id: number) => sql`insert into note (id) values (${id})`.execute(trx);
  const begins = () => statements.filter((s) => s.startsWith('begin')).length;

  it('commits concurrent transactions, each answered with its own result', async () => {
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => db.transaction(async (trx) => (await insert(trx, i + 1), i + 1), GROUPED)));
    expect(results).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(await ids()).toHaveLength(40);
    // SQLite shares BEGIN/COMMIT among the transactions waiting together; PostgreSQL runs each alone.
    if (dialect === 'sqlite') expect(begins()).toBeLessThan(5);
    else expect(begins()).toBe(40);
  });

  it('rolls back a failing transaction alone: its writes vanish, the others of its group commit', async () => {
    // Row 1 exists before: the duplicate fails whatever order PostgreSQL runs the three in.
    await db.transaction((trx) => insert(trx, 1), GROUPED);
    const outcomes = await Promise.allSettled([
      db.transaction((trx) => insert(trx, 4), GROUPED),
      db.transaction(async (trx) => {
        await insert(trx, 2);
        await insert(trx, 1); // duplicate key: this transaction fails after writing row 2
      }, GROUPED),
      db.transaction((trx) => insert(trx, 3), GROUPED),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await ids()).toEqual([1, 3, 4]);
  });

  it('runs each transaction’s after-commit work after COMMIT, and none of a failed one', async () => {
    const seen: string[] = [];
    const work = (id: number, fail: boolean) =>
      db.transaction(async (trx) => {
        await insert(trx, id);
        // Committed means visible from outside the transaction.
        db.afterCommit(trx, async () => seen.push(`${id} ${(await ids()).includes(id) ? 'committed' : 'not committed'}`));
        if (fail) throw new Error('nope');
      }, GROUPED);
    const outcomes = await Promise.allSettled([work(1, false), work(2, true), work(3, false)]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(seen.sort()).toEqual(['1 committed', '3 committed']);
  });

  it('refuses a statement a transaction left running once its work has settled', async () => {
    let leaked: Transaction<GlobalDatabase> | undefined;
    await db.transaction(async (trx) => void (leaked = trx), GROUPED);
    await expect(insert(leaked as Transaction<GlobalDatabase>, 99)).rejects.toThrow(/ended|not supported|transaction/i);
    expect(await ids()).toEqual([]);
  });

  it('sees its own writes and those of the transactions committed before it', async () => {
    await db.transaction((trx) => insert(trx, 1), GROUPED);
    const [, count] = await Promise.all([
      db.transaction((trx) => insert(trx, 2), GROUPED),
      db.transaction(async (trx) => {
        await insert(trx, 3);
        return (await sql<{ n: number }>`select count(*) as n from note`.execute(trx)).rows[0]?.n;
      }, GROUPED),
    ]);
    // Row 1 and its own row 3 at least; row 2 too when both ran in one group, in order.
    expect(Number(count)).toBeGreaterThanOrEqual(2);
    expect(await ids()).toEqual([1, 2, 3]);
  });

  it('fails every member of a group whose COMMIT fails, and writes nothing of it', async () => {
    const outcomes = await Promise.allSettled([
      db.transaction((trx) => insert(trx, 1), GROUPED),
      db.transaction((trx) => sql`insert into child (id, note_id) values (1, 999)`.execute(trx), GROUPED),
      db.transaction((trx) => insert(trx, 3), GROUPED),
    ]);
    if (dialect === 'sqlite') {
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect(await ids()).toEqual([]);
    } else {
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(await ids()).toEqual([1, 3]);
    }
    expect(await db.transaction((trx) => insert(trx, 4).then(() => 'ok'), GROUPED)).toBe('ok');
  });

  (dialect === 'sqlite' ? it : it.skip)('fails the waiting transactions when the write lock cannot be had, then goes on', async () => {
    const target = parseDatabaseUrl(t.url);
    if (target.dialect !== 'sqlite') throw new Error('expected a SQLite database');
    const holder = new BetterSqlite3(target.filename);
    holder.exec('begin immediate');
    try {
      const outcomes = await Promise.allSettled([db.transaction((trx) => insert(trx, 1), GROUPED), db.transaction((trx) => insert(trx, 2), GROUPED)]);
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
      expect(String((outcomes[0] as PromiseRejectedResult).reason)).toMatch(/locked|busy/i);
    } finally {
      holder.exec('rollback');
      holder.close();
    }
    await Promise.all([db.transaction((trx) => insert(trx, 1), GROUPED), db.transaction((trx) => insert(trx, 2), GROUPED)]);
    expect(await ids()).toEqual([1, 2]);
  });
});
