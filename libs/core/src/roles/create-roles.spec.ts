import { randomUUID } from 'node:crypto';
import { createDatabase } from '@snackbase/db';
import { accountScope, tenantTable } from '@snackbase/tenancy';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '@snackbase/testing';
import { SYSTEM_ACCOUNT_ID } from '../accounts';
import { loadConfig } from '../config';
import type { RequestContext } from '../context';
import { createCore, type Core } from '../create-core';
import { createLogger } from '../logging';
import { createRoles, type Roles } from './create-roles';

const secrets = { secretKey: 'k'.repeat(64), tokenSecret: 't'.repeat(64), encryptionKey: 'e'.repeat(64) };

async function failure(p: Promise<unknown>): Promise<{ status?: number; message: string }> {
  try {
    await p;
  } catch (e) {
    return { status: (e as { status?: number }).status, message: (e as Error).message };
  }
  throw new Error('expected a rejection');
}

describe.each(TEST_DIALECTS)('roles on %s', (dialect) => {
  let t: TestDatabase;
  let core: Core;
  let roles: Roles;
  const ctx = (isSuperadmin: boolean): RequestContext => ({
    principal: { kind: 'user', userId: randomUUID(), accountId: isSuperadmin ? SYSTEM_ACCOUNT_ID : randomUUID(), email: 'x@y.z', role: 'admin', sessionId: 's', isSuperadmin },
    requestId: 'cid_test',
  });
  const sa = ctx(true);

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    await t.db.destroy();
    const config = loadConfig({ env: { SNACKBASE_DATABASE_URL: t.url, SNACKBASE_STATIC_DIR: '/nonexistent' }, envFile: null });
    core = createCore({ config, secrets, logger: createLogger({ level: 'error', format: 'json', silent: true }), db: createDatabase({ url: t.url }) });
    await core.start();
    roles = createRoles(core.db, core.audit);
  });
  afterAll(async () => {
    await core.close();
    await t.destroy();
  });

  it('lists the seeded roles and does CRUD on new ones', async () => {
    expect(await roles.list(sa)).toEqual({
      items: [
        { id: 1, name: 'admin', description: 'Administrator with full access' },
        { id: 2, name: 'user', description: 'Regular user with limited access' },
      ],
      total: 2,
    });
    const editor = await roles.create(sa, { name: ' editor ', description: 'Edits' });
    expect(editor).toEqual({ id: 3, name: 'editor', description: 'Edits' });
    expect(await roles.get(sa, 3)).toEqual(editor);
    expect(await roles.update(sa, 3, { name: 'writer' })).toEqual({ id: 3, name: 'writer', description: 'Edits' });
    expect(await failure(roles.create(sa, { name: 'writer' }))).toEqual({ status: 409, message: "Role with name 'writer' already exists" });
    await roles.remove(sa, 3);
    expect(await failure(roles.get(sa, 3))).toEqual({ status: 404, message: 'Role with ID 3 not found' });
  });

  it('gives concurrent creates distinct ids', async () => {
    const made = await Promise.all(['r1', 'r2', 'r3', 'r4'].map((name) => roles.create(sa, { name })));
    expect(new Set(made.map((r) => r.id)).size).toBe(4);
  });

  it('protects the seeded roles and roles still held by users', async () => {
    expect(await failure(roles.remove(sa, 1))).toEqual({ status: 422, message: "Cannot delete default role 'admin'" });
    expect(await failure(roles.remove(sa, 2))).toEqual({ status: 422, message: "Cannot delete default role 'user'" });
    expect(await failure(roles.update(sa, 1, { name: 'boss' }))).toMatchObject({ status: 422 });
    expect(await roles.update(sa, 2, { name: 'user', description: 'Members' })).toEqual({ id: 2, name: 'user', description: 'Members' });
    const held = await roles.create(sa, { name: 'held' });
    const account = randomUUID();
    await core.db.kysely.insertInto('accounts').values({ id: account, account_code: 'HH0001', slug: 'held', name: 'Held' }).execute();
    await tenantTable(core.db.kysely, accountScope(account), 'users').insert({ id: randomUUID(), email: 'h@h.test', password_hash: 'x', role_id: held.id }).execute();
    expect(await failure(roles.remove(sa, held.id))).toMatchObject({ status: 409 });
  });

  it('refuses everyone but superadmins', async () => {
    expect(await failure(roles.list(ctx(false)))).toMatchObject({ status: 403 });
    expect(await failure(roles.create({ principal: { kind: 'anonymous' }, requestId: 'x' }, { name: 'x' }))).toMatchObject({ status: 401 });
  });
});
