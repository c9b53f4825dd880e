import type { Express } from 'express';
import request from 'supertest';
import { systemContext, type Core } from '@snackbase/core';
import { TEST_DIALECTS, type TestDialect } from '@snackbase/testing';
import { startTestServer, type TestServer } from '../test-support/test-server';

const PASSWORD = 'Correct-Horse-9!';

/** A server on a fresh database; many registrations from one test client: lift the per-IP brute-force limit here. */
const serverFor = (dialect: TestDialect, env: Record<string, string> = {}) => startTestServer(dialect, { env: { SNACKBASE_AUTH_RATE_LIMIT_PER_IP: '0', ...env } });

describe.each(TEST_DIALECTS)('hostile registrations on %s', (dialect) => {
  let server: TestServer;
  let core: Core;
  let app: Express;
  beforeAll(async () => {
    server = await serverFor(dialect);
    ({ core, app } = server);
  });
  afterAll(() => server?.close());

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
  let server: TestServer;
  let core: Core;
  let app: Express;
  beforeAll(async () => {
    server = await serverFor(dialect, { SNACKBASE_SINGLE_TENANT_MODE: 'true', SNACKBASE_SINGLE_TENANT_ACCOUNT: 'acme', SNACKBASE_SINGLE_TENANT_ACCOUNT_NAME: 'Acme Ltd' });
    ({ core, app } = server);
  });
  afterAll(() => server?.close());

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
