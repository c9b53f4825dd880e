import { sql, type Transaction } from 'kysely';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '@snackbase/testing';
import { createDatabase, type SnackDatabase } from './create-database';
import type { GlobalDatabase } from './schema/system-database';

describe.each(TEST_DIALECTS)('db.afterCommit on %s', (dialect) => {
  let t: TestDatabase;
  let db: SnackDatabase;
  const failures: unknown[] = [];

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    await t.db.destroy();
    db = createDatabase({
      url: t.url,
      onAfterCommitError: (e) => failures.push(e),
    });
    await db.kysely.schema
      .createTable('note')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .execute();
  });
  afterAll(async () => {
    await db.close();
    await t.destroy();
  });
  beforeEach(async () => {
    failures.length = 0;
    await sql`delete from note`.execute(db.kysely);
  });

  const count = async () =>
    Number(
      (
        await sql<{
          n: number | string;
        }>`select count(*) as n from note`.execute(db.kysely)
      ).rows[0]?.n,
    );
  const insert = (trx: Transaction<GlobalDatabase>, id: number) => sql`insert into note (id) values (${id})`.execute(trx);

  it('runs queued work after COMMIT, in order, before transaction() resolves', async () => {
    const seen: string[] = [];
    const result = await db.transaction(async (trx) => {
      await insert(trx, 1);
      db.afterCommit(trx, async () => seen.push(`first saw ${await count()} row(s)`));
      db.afterCommit(trx, () => seen.push('second'));
      seen.push('body done');
      return 'value';
    });
    expect(result).toBe('value');
    // The work reads through db.kysely: on SQLite that would wait forever inside the transaction.
    expect(seen).toEqual(['body done', 'first saw 1 row(s)', 'second']);
  });

  it('drops queued work when the transaction rolls back', async () => {
    const seen: string[] = [];
    const failed = db.transaction(async (trx) => {
      await insert(trx, 2);
      db.afterCommit(trx, () => seen.push('ran'));
      throw new Error('boom');
    });
    await expect(failed).rejects.toThrow('boom');
    expect(seen).toEqual([]);
    expect(await count()).toBe(0);
  });

  it('reports a failing work and still runs the rest and resolves', async () => {
    const seen: string[] = [];
    await expect(
      db.transaction(async (trx) => {
        await insert(trx, 3);
        db.afterCommit(trx, () => Promise.reject(new Error('after failed')));
        db.afterCommit(trx, () => seen.push('still ran'));
      }),
    ).resolves.toBeUndefined();
    expect(seen).toEqual(['still ran']);
    expect(failures.map((e) => (e as Error).message)).toEqual(['after failed']);
    expect(await count()).toBe(1);
  });

  it('keeps the queues of concurrent transactions apart', async () => {
    const seen: string[] = [];
    await Promise.all(
      ['a', 'b'].map((name, i) =>
        db.transaction(async (trx) => {
          await insert(trx, 10 + i);
          db.afterCommit(trx, () => seen.push(name));
        }),
      ),
    );
    expect(seen.sort()).toEqual(['a', 'b']);
  });

  it('refuses a transaction it did not start, and one that has ended', async () => {
    const foreign = db.kysely.transaction().execute(async (trx) => db.afterCommit(trx, () => undefined));
    await expect(foreign).rejects.toThrow('afterCommit needs a transaction started by db.transaction()');
    let ended: Transaction<GlobalDatabase> | undefined;
    await db.transaction(async (trx) => void (ended = trx));
    expect(() => db.afterCommit(ended as Transaction<GlobalDatabase>, () => undefined)).toThrow('still running');
  });
});
