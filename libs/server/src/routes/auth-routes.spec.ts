import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { hashPassword } from '@snackbase/auth';
import { createSuperadmin, systemContext, type Core } from '@snackbase/core';
import { accountScope, tenantTable } from '@snackbase/tenancy';
import { TEST_DIALECTS } from '@snackbase/testing';
import { startTestServer, TEST_SECRETS, type TestServer } from '../test-support/test-server';

const PASSWORD = 'Correct-Horse-9!';
const INVALID = { error: 'Authentication failed', message: 'Invalid credentials', code: 'invalid_credentials' };

describe.each(TEST_DIALECTS)('auth routes on %s', (dialect) => {
  let server: TestServer;
  let core: Core;
  let app: Express;
  const acme = { id: randomUUID(), code: 'AA0001', slug: 'acme' };

  async function addUser(accountId: string, email: string, extra: Record<string, unknown> = {}) {
    await tenantTable(core.db.kysely, accountScope(accountId), 'users')
      .insert({ id: randomUUID(), email, password_hash: await hashPassword(PASSWORD), role_id: 2, email_verified: true, ...extra })
      .execute();
  }

  const login = (body: object) => request(app).post('/api/v1/auth/login').send(body);

  beforeAll(async () => {
    server = await startTestServer(dialect);
    ({ core, app } = server);
    await createSuperadmin(systemContext('test'), core, { email: 'root@example.com', password: PASSWORD });
    await core.db.kysely.insertInto('accounts').values({ id: acme.id, account_code: acme.code, slug: acme.slug, name: 'Acme' }).execute();
    await addUser(acme.id, 'ann@acme.test');
    await addUser(acme.id, 'off@acme.test', { is_active: false });
    await addUser(acme.id, 'new@acme.test', { email_verified: false });
  });
  afterAll(() => server?.close());

  it('signs the superadmin in to the system account by slug or code', async () => {
    for (const account of ['system', 'SY0000', 'sy0000']) {
      const res = await login({ account, email: 'ROOT@example.com', password: PASSWORD }).expect(200);
      expect(res.body).toMatchObject({ expires_in: 3600, account: { slug: 'system', name: 'SnackBase System' }, user: { email: 'root@example.com', role: 'admin', is_active: true } });
      expect(res.body.token.split('.')).toHaveLength(3);
    }
  });

  it('signs a tenant user in by account code or slug, ignoring unknown keys', async () => {
    const res = await login({ account: 'aa0001', email: 'ann@acme.test', password: PASSWORD, passwordConfirm: 'x', role: 'superadmin' }).expect(200);
    expect(res.body.account).toMatchObject({ id: acme.id, slug: 'acme' });
    expect(res.body.user.role).toBe('user');
    const me = await request(app).get('/api/v1/auth/me').set('Authorization', `Bearer ${res.body.token}`).expect(200);
    expect(me.body).toEqual({ user_id: res.body.user.id, account_id: acme.id, email: 'ann@acme.test', role: 'user' });
  });

  it.each([
    ['an unknown account', { account: 'nope', email: 'ann@acme.test', password: PASSWORD }],
    ['an unknown user', { account: 'acme', email: 'who@acme.test', password: PASSWORD }],
    ['a wrong password', { account: 'acme', email: 'ann@acme.test', password: 'Wrong-Horse-9!' }],
    ['an inactive user', { account: 'acme', email: 'off@acme.test', password: PASSWORD }],
    ['a user of another account', { account: 'system', email: 'ann@acme.test', password: PASSWORD }],
    ['an account id instead of code or slug', { account: acme.id, email: 'ann@acme.test', password: PASSWORD }],
  ])('answers %s with the one 401 body', async (_name, body) => {
    const res = await login(body).expect(401);
    expect(res.body).toEqual({ ...INVALID, request_id: expect.any(String) });
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('blocks unverified users after the password check', async () => {
    const res = await login({ account: 'acme', email: 'new@acme.test', password: PASSWORD }).expect(401);
    expect(res.body.message).toBe('Email not verified. Please check your email inbox.');
  });

  it.each([
    [{ email: 'ann@acme.test', password: PASSWORD }, 400, 'validation_failed'],
    [{ account: 'acme', password: PASSWORD }, 422, 'invalid_request'],
    [{ account: 'acme', email: 'ann@acme.test', password: 42 }, 422, 'invalid_request'],
    [{ account: 'acme', email: 'not-an-email', password: PASSWORD }, 422, 'invalid_request'],
    [{ account: 'acme', email: 'ann@acme.test', password: 'x'.repeat(2000) }, 422, 'invalid_request'],
    [[1, 2], 422, 'invalid_request'],
  ])('refuses the malformed body %j', async (body, status, code) => {
    const res = await login(body).expect(status);
    expect(res.body.code).toBe(code);
  });

  it('rotates refresh tokens; replaying a used one revokes the whole session', async () => {
    const first = (await login({ account: 'acme', email: 'ann@acme.test', password: PASSWORD }).expect(200)).body;
    const second = (await request(app).post('/api/v1/auth/refresh').send({ refresh_token: first.refresh_token }).expect(200)).body;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    await request(app).get('/api/v1/auth/me').set('Authorization', `Bearer ${second.token}`).expect(200);
    // The stolen, already-rotated token comes back: refused, and the thief's victim is signed out too.
    await request(app).post('/api/v1/auth/refresh').send({ refresh_token: first.refresh_token }).expect(401);
    await request(app).post('/api/v1/auth/refresh').send({ refresh_token: second.refresh_token }).expect(401);
    await request(app).get('/api/v1/auth/me').set('Authorization', `Bearer ${second.token}`).expect(401);
  });

  it('lets exactly one of two concurrent refreshes with the same token win', async () => {
    const s = (await login({ account: 'acme', email: 'ann@acme.test', password: PASSWORD }).expect(200)).body;
    const results = await Promise.all([1, 2].map(() => request(app).post('/api/v1/auth/refresh').send({ refresh_token: s.refresh_token })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it('logout with {} ends the session at once, other sessions live on', async () => {
    const a = (await login({ account: 'acme', email: 'ann@acme.test', password: PASSWORD }).expect(200)).body;
    const b = (await login({ account: 'acme', email: 'ann@acme.test', password: PASSWORD }).expect(200)).body;
    await request(app).get('/api/v1/auth/me').set('Authorization', `Bearer ${a.token}`).expect(200);
    await request(app).post('/api/v1/auth/logout').set('Authorization', `Bearer ${a.token}`).send({}).expect(200);
    await request(app).get('/api/v1/auth/me').set('Authorization', `Bearer ${a.token}`).expect(401);
    await request(app).post('/api/v1/auth/refresh').send({ refresh_token: a.refresh_token }).expect(401);
    await request(app).get('/api/v1/auth/me').set('Authorization', `Bearer ${b.token}`).expect(200);
    await request(app).post('/api/v1/auth/logout').send({ refresh_token: b.refresh_token }).expect(200);
    await request(app).get('/api/v1/auth/me').set('Authorization', `Bearer ${b.token}`).expect(401);
  });

  it.each([
    ['no credential', undefined],
    ['garbage', 'Bearer nope'],
    ['alg none', `Bearer ${jwt.sign({ sub: 'u', user_id: 'u', account_id: 'a', sid: 's', type: 'access', iss: 'snackbase' }, '', { algorithm: 'none' })}`],
    ['a token signed with another key', `Bearer ${jwt.sign({ sub: 'u', user_id: 'u', account_id: 'a', sid: 's', type: 'access' }, 'x'.repeat(64), { issuer: 'snackbase' })}`],
    ['a forged session for a real user', `Bearer ${jwt.sign({ sub: 'u', user_id: 'u', account_id: 'a', sid: randomUUID(), email: 'x', role: 'admin', type: 'access' }, TEST_SECRETS.secretKey, { issuer: 'snackbase' })}`],
  ])('/auth/me with %s is a 401', async (_name, header) => {
    const req = request(app).get('/api/v1/auth/me');
    const res = await (header ? req.set('Authorization', header) : req).expect(401);
    expect(res.body.code).toBe('unauthorized');
  });
});
