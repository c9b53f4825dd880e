import type { Express } from 'express';
import request from 'supertest';
import { createCore, createLogger, loadConfig, systemContext, type Core } from '@snackbase/core';
import { createDatabase } from '@snackbase/db';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '@snackbase/testing';
import { createApp } from '../create-app';

const secrets = { secretKey: 'k'.repeat(64), tokenSecret: 't'.repeat(64), encryptionKey: 'e'.repeat(64) };
const PASSWORD = 'Correct-Horse-9!';

async function appFor(t: TestDatabase, env: Record<string, string> = {}): Promise<{ core: Core; app: Express }> {
  const config = loadConfig({
    envFile: null,
    // Many registrations from one test client: lift the per-IP brute-force limit here.
    env: { SNACKBASE_DATABASE_URL: t.url, SNACKBASE_STATIC_DIR: '/nonexistent', SNACKBASE_AUTH_RATE_LIMIT_PER_IP: '0', ...env },
  });
  const core = createCore({ config, secrets, logger: createLogger({ level: 'error', format: 'json', silent: true }), db: createDatabase({ url: t.url }) });
  await core.start();
  return { core, app: createApp(core) };
}

describe.each(TEST_DIALECTS)('hostile registrations on %s', (dialect) => {
  let t: TestDatabase;
  let core: Core;
  let app: Express;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    await t.db.destroy();
    ({ core, app } = await appFor(t));
  });
  afterAll(async () => {
    await core.close();
    await t.destroy();
  });

  it('50 parallel registrations with one slug: one 201, the rest 409, no 500', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => request(app).post('/api/v1/auth/register').send({ email: `u${i}@race.test`, password: PASSWORD, account_name: 'Race', account_slug: 'race' })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    const accounts = await core.db.kysely.selectFrom('accounts').select('id').where('slug', '=', 'race').execute();
    expect(accounts).toHaveLength(1);
  }, 60_000);

  it('ignores protected keys on registration (no superadmin, no pre-verified users, no foreign account)', async () => {
    const res = await request(app)
      .post('/api/v1/auth/register')
      .send({ email: 'mass@assign.test', password: PASSWORD, account_name: 'Mass', role: 'superadmin', role_id: 1, account_id: '00000000-0000-0000-0000-000000000000', email_verified: true, is_active: false, is_superadmin: true })
      .expect(201);
    expect(res.body.account.id).not.toBe('00000000-0000-0000-0000-000000000000');
    expect(res.body.user).toMatchObject({ role: 'admin', is_active: true });
    // Still unverified: the body could not set it.
    await request(app).post('/api/v1/auth/login').send({ account: 'mass', email: 'mass@assign.test', password: PASSWORD }).expect(401);
  });
});

describe.each(TEST_DIALECTS)('single-tenant mode on %s', (dialect) => {
  let t: TestDatabase;
  let core: Core;
  let app: Express;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    await t.db.destroy();
    ({ core, app } = await appFor(t, { SNACKBASE_SINGLE_TENANT_MODE: 'true', SNACKBASE_SINGLE_TENANT_ACCOUNT: 'acme', SNACKBASE_SINGLE_TENANT_ACCOUNT_NAME: 'Acme Ltd' }));
  });
  afterAll(async () => {
    await core.close();
    await t.destroy();
  });

  it('creates the configured account at start, registers everyone into it and signs in without an account', async () => {
    const account = await core.db.kysely.selectFrom('accounts').selectAll().where('slug', '=', 'acme').executeTakeFirstOrThrow();
    expect(account.name).toBe('Acme Ltd');
    const res = await request(app).post('/api/v1/auth/register').send({ email: 'one@acme.test', password: PASSWORD, account_name: 'Ignored', account_slug: 'ignored' }).expect(201);
    expect(res.body).toMatchObject({ account: { id: account.id, slug: 'acme' }, user: { role: 'user' } });
    await request(app).post('/api/v1/auth/register').send({ email: 'ONE@acme.test', password: PASSWORD }).expect(409);
    await core.users.verify(systemContext('test'), res.body.user.id);
    const login = await request(app).post('/api/v1/auth/login').send({ email: 'one@acme.test', password: PASSWORD }).expect(200);
    expect(login.body.account.slug).toBe('acme');
    expect((await request(app).post('/api/v1/auth/forgot-password').send({ email: 'one@acme.test' }).expect(200)).body.message).toContain('If an account');
    expect(await core.db.kysely.selectFrom('accounts').select('slug').where('slug', '=', 'ignored').execute()).toEqual([]);
  });
});
