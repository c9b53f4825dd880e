import { randomUUID } from 'node:crypto';
import { createDatabase } from '@snackbase/db';
import { accountScope, tenantTable } from '@snackbase/tenancy';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '@snackbase/testing';
import { createSuperadmin, SYSTEM_ACCOUNT_ID } from '../accounts';
import { loadConfig } from '../config';
import { systemContext, type RequestContext } from '../context';
import { createCore, type Core } from '../create-core';
import { createLogger } from '../logging';
import { createGroups, type Groups } from './create-groups';

const secrets = { secretKey: 'k'.repeat(64), tokenSecret: 't'.repeat(64), encryptionKey: 'e'.repeat(64) };

/** The status and message of a rejected call (AppError), whatever realm threw it. */
async function failure(p: Promise<unknown>): Promise<{ status?: number; message: string; code?: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { status?: number; message: string; code?: string };
    return { status: err.status, message: err.message, code: err.code };
  }
  throw new Error('expected a rejection');
}

describe.each(TEST_DIALECTS)('groups on %s', (dialect) => {
  let t: TestDatabase;
  let core: Core;
  let groups: Groups;
  const A = randomUUID();
  const B = randomUUID();
  const userA = randomUUID();
  const userB = randomUUID();

  const ctxOf = (accountId: string, userId: string, isSuperadmin = false): RequestContext => ({
    principal: { kind: 'user', userId, accountId, email: 'x@y.z', role: 'user', sessionId: 's', isSuperadmin },
    requestId: 'cid_test',
  });
  const asA = () => ctxOf(A, userA);
  const asB = () => ctxOf(B, userB);
  const asSa = () => ctxOf(SYSTEM_ACCOUNT_ID, randomUUID(), true);

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    await t.db.destroy();
    const config = loadConfig({ env: { SNACKBASE_DATABASE_URL: t.url, SNACKBASE_STATIC_DIR: '/nonexistent' }, envFile: null });
    core = createCore({ config, secrets, logger: createLogger({ level: 'error', format: 'json', silent: true }), db: createDatabase({ url: t.url }) });
    await core.start();
    groups = createGroups(core.db, core.audit);
    await createSuperadmin(systemContext('test'), core, { email: 'root@example.com', password: 'Correct-Horse-9!' });
    await core.db.kysely
      .insertInto('accounts')
      .values([
        { id: A, account_code: 'AA0001', slug: 'acme', name: 'Acme' },
        { id: B, account_code: 'BB0001', slug: 'bolt', name: 'Bolt' },
      ])
      .execute();
    for (const [account, id, email] of [[A, userA, 'ann@acme.test'], [B, userB, 'bob@bolt.test']]) {
      await tenantTable(core.db.kysely, accountScope(account), 'users').insert({ id, email, password_hash: 'x', role_id: 2, profile_data: JSON.stringify({ k: 1 }) }).execute();
    }
  });
  afterAll(async () => {
    await core.close();
    await t.destroy();
  });

  it('creates, lists, reads, updates and deletes within the caller’s account', async () => {
    const g = await groups.create(asA(), { name: '  Editors ', description: 'Edit things' });
    expect(g).toMatchObject({ name: 'Editors', description: 'Edit things', account_id: A, account_code: 'AA0001', member_count: 0, users: [] });
    await groups.addUser(asA(), g.id, userA);
    const read = await groups.get(asA(), g.id);
    expect(read.member_count).toBe(1);
    expect(read.users).toEqual([expect.objectContaining({ id: userA, email: 'ann@acme.test', account_code: 'AA0001', account_name: 'Acme', role_name: 'user', is_active: true, email_verified: false, profile_data: { k: 1 } })]);
    const updated = await groups.update(asA(), g.id, { description: null });
    expect(updated).toMatchObject({ name: 'Editors', description: null, member_count: 1 });
    expect((await groups.list(asA())).map((x) => x.id)).toContain(g.id);
    await groups.remove(asA(), g.id);
    expect(await failure(groups.get(asA(), g.id))).toMatchObject({ status: 404, message: 'Group not found' });
    expect(await core.db.kysely.selectFrom('users_groups').selectAll().where('group_id', '=', g.id).execute()).toEqual([]);
  });

  it('never lets another account see, change or join a group', async () => {
    const g = await groups.create(asA(), { name: 'Private' });
    expect((await groups.list(asB())).map((x) => x.id)).not.toContain(g.id);
    for (const call of [groups.get(asB(), g.id), groups.update(asB(), g.id, { name: 'Mine' }), groups.remove(asB(), g.id), groups.addUser(asB(), g.id, userB), groups.removeUser(asB(), g.id, userA)]) {
      expect(await failure(call)).toMatchObject({ status: 404, message: 'Group not found' });
    }
    // A's own group, B's user: refused like a user that does not exist, nothing written.
    const stranger = await failure(groups.addUser(asA(), g.id, userB));
    const nobody = await failure(groups.addUser(asA(), g.id, randomUUID()));
    expect(stranger).toEqual(nobody);
    expect(stranger).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(await core.db.kysely.selectFrom('users_groups').selectAll().where('group_id', '=', g.id).execute()).toEqual([]);
    expect((await groups.get(asA(), g.id)).name).toBe('Private');
  });

  it('ignores account_id from a tenant user and honours it for a superadmin', async () => {
    const forged = await groups.create(asA(), { name: 'Forged', account_id: B });
    expect(forged.account_id).toBe(A);
    const placed = await groups.create(asSa(), { name: 'Placed', account_id: B });
    expect(placed.account_id).toBe(B);
    expect((await groups.create(asSa(), { name: 'Own' })).account_id).toBe(SYSTEM_ACCOUNT_ID);
    expect(await failure(groups.create(asSa(), { name: 'Nowhere', account_id: randomUUID() }))).toMatchObject({ status: 404, message: 'Account not found' });
    const all = (await groups.list(asSa())).map((x) => x.account_id);
    expect(all).toEqual(expect.arrayContaining([A, B, SYSTEM_ACCOUNT_ID]));
  });

  it('keeps names unique per account, not across accounts', async () => {
    await groups.create(asA(), { name: 'Team' });
    await groups.create(asB(), { name: 'Team' });
    expect(await failure(groups.create(asA(), { name: 'Team' }))).toMatchObject({ status: 409, message: 'Group with this name already exists in the account', code: 'unique_violation' });
    const other = await groups.create(asA(), { name: 'Other' });
    expect(await failure(groups.update(asA(), other.id, { name: 'Team' }))).toMatchObject({ status: 409 });
  });

  it('answers an existing member with 409 and removal idempotently', async () => {
    const g = await groups.create(asA(), { name: 'Members' });
    await groups.addUser(asA(), g.id, userA);
    expect(await failure(groups.addUser(asA(), g.id, userA))).toMatchObject({ status: 409, message: 'User already in group' });
    await groups.removeUser(asA(), g.id, userA);
    await groups.removeUser(asA(), g.id, userA);
    expect((await groups.get(asA(), g.id)).users).toEqual([]);
  });

  it('lets exactly one of two concurrent identical writes win', async () => {
    const g = await groups.create(asA(), { name: 'Race' });
    const adds = await Promise.allSettled([groups.addUser(asA(), g.id, userA), groups.addUser(asA(), g.id, userA)]);
    expect(adds.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as { status: number }).status)).sort()).toEqual([409, 'ok']);
    const creates = await Promise.allSettled([groups.create(asA(), { name: 'Twin' }), groups.create(asA(), { name: 'Twin' })]);
    expect(creates.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as { status: number }).status)).sort()).toEqual([409, 'ok']);
  });

  it('pages with skip and limit and refuses anonymous callers', async () => {
    const all = await groups.list(asA(), { limit: 1000 });
    const page = await groups.list(asA(), { skip: 1, limit: 2 });
    expect(page.map((g) => g.id)).toEqual(all.slice(1, 3).map((g) => g.id));
    expect(await failure(groups.list({ principal: { kind: 'anonymous' }, requestId: 'x' }))).toMatchObject({ status: 401 });
  });
});
