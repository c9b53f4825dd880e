import { randomUUID } from 'node:crypto';
import { createDatabase, migrateToLatest, type SnackDatabase } from '@snackbase/db';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '@snackbase/testing';
import { allocateAccountCode } from './account-code';
import { accountScope, allAccounts } from './tenant-scope';
import { dynamicTenantInsert, dynamicTenantTable, tenantTable } from './tenant-table';

describe.each(TEST_DIALECTS)('tenant-guarded tables on %s', (dialect) => {
  let t: TestDatabase;
  let db: SnackDatabase;
  const a = randomUUID();
  const b = randomUUID();

  async function createAccount(id: string, name: string): Promise<string> {
    return db.transaction(async (trx) => {
      const code = await allocateAccountCode(trx, db.dialect);
      await trx.insertInto('accounts').values({ id, account_code: code, slug: `${name}-${id.slice(0, 8)}`, name }).execute();
      return code;
    });
  }

  function user(email: string) {
    return { id: randomUUID(), email, password_hash: 'x', role_id: 2 };
  }

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    await t.db.destroy();
    db = createDatabase({ url: t.url });
    await migrateToLatest(db);
    await createAccount(a, 'alpha');
    await createAccount(b, 'beta');
    await tenantTable(db.kysely, accountScope(a), 'users').insert([user('one@a.test'), user('two@a.test')]).execute();
    await tenantTable(db.kysely, accountScope(b), 'users').insert(user('one@b.test')).execute();
  });
  afterAll(async () => {
    await db.close();
    await t.destroy();
  });

  it('stamps account_id from the scope on insert', async () => {
    const rows = await db.kysely.selectFrom('accounts').select('id').execute();
    expect(rows).toHaveLength(2);
    const all = await tenantTable(db.kysely, allAccounts('test reads every account'), 'users').select().select(['email', 'account_id']).orderBy('email').execute();
    expect(all).toEqual([
      { email: 'one@a.test', account_id: a },
      { email: 'one@b.test', account_id: b },
      { email: 'two@a.test', account_id: a },
    ]);
  });

  it('reads only its own account, whatever the caller adds', async () => {
    const users = tenantTable(db.kysely, accountScope(a), 'users');
    const mine = await users.select().select('email').orderBy('email').execute();
    expect(mine.map((r) => r.email)).toEqual(['one@a.test', 'two@a.test']);
    const crossing = await users.select().select('email').where((eb) => eb.or([eb('email', '=', 'one@b.test'), eb('account_id', '=', b)])).execute();
    expect(crossing).toEqual([]);
  });

  it('cannot update or delete another account’s rows', async () => {
    const asB = tenantTable(db.kysely, accountScope(b), 'users');
    const upd = await asB.update({ email: 'hijacked@b.test' }).where('email', '=', 'one@a.test').executeTakeFirst();
    expect(Number(upd.numUpdatedRows)).toBe(0);
    const del = await asB.delete().where('email', 'like', '%@a.test').executeTakeFirst();
    expect(Number(del.numDeletedRows)).toBe(0);
    const aRows = await tenantTable(db.kysely, accountScope(a), 'users').select().select('email').execute();
    expect(aRows).toHaveLength(2);
  });

  it('refuses a caller-supplied account_id and inserts without one account', () => {
    const users = tenantTable(db.kysely, accountScope(a), 'users');
    expect(() => users.insert({ ...user('x@a.test'), account_id: b } as never)).toThrow('account_id is set from the tenant scope');
    expect(() => users.update({ account_id: b } as never)).toThrow('account_id is set from the tenant scope');
    expect(() => tenantTable(db.kysely, allAccounts('maintenance job'), 'users').insert(user('y@a.test'))).toThrow('single-account scope');
  });

  it('guards dynamic tables and refuses hostile table names', () => {
    const q = dynamicTenantTable(db.kysely, accountScope(a), 'col_posts').select().selectAll().compile();
    expect(q.sql).toMatch(/"col_posts"\."account_id" = /);
    expect(q.parameters).toEqual([a]);
    for (const bad of ['users; drop table x', 'Col', '"x"', '']) {
      expect(() => dynamicTenantTable(db.kysely, accountScope(a), bad)).toThrow('invalid table name');
    }
  });

  it('inserts rows of several accounts in one statement, each stamped from its own scope', () => {
    const q = dynamicTenantInsert(db.kysely, 'col_posts', [
      { scope: accountScope(a), values: { id: 'r1', title: 'x' } },
      { scope: accountScope(b), values: { id: 'r2', title: 'y' } },
    ]).compile();
    expect(q.sql).toMatch(/insert into "col_posts" \("id", "title", "account_id"\) values/);
    expect(q.parameters).toEqual(['r1', 'x', a, 'r2', 'y', b]);
    expect(() => dynamicTenantInsert(db.kysely, 'col_posts', [{ scope: accountScope(a), values: { id: 'r3', account_id: b } }])).toThrow('account_id is set from the tenant scope');
    expect(() => dynamicTenantInsert(db.kysely, 'col_posts', [{ scope: allAccounts('job'), values: { id: 'r4' } }])).toThrow('single-account scope');
    expect(() => dynamicTenantInsert(db.kysely, 'col_posts; drop', [{ scope: accountScope(a), values: { id: 'r5' } }])).toThrow('invalid table name');
    expect(() => dynamicTenantInsert(db.kysely, 'col_posts', [])).toThrow('nothing to insert');
  });

  it('50 parallel account creations get 50 distinct codes without error', async () => {
    const ids = Array.from({ length: 50 }, () => randomUUID());
    const codes = await Promise.all(ids.map((id, i) => createAccount(id, `parallel-${i}`)));
    expect(new Set(codes).size).toBe(50);
    for (const code of codes) expect(code).toMatch(/^[A-Z]{2}\d{4}$/);
  });
});
