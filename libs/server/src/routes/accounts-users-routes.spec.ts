import type { Express } from 'express';
import request from 'supertest';
import { createSuperadmin, systemContext, type Core } from '@snackbase/core';
import { TEST_DIALECTS } from '@snackbase/testing';
import { signIn as signInAs, startTestServer, type TestServer } from '../test-support/test-server';

const PASSWORD = 'Correct-Horse-9!';

describe.each(TEST_DIALECTS)('superadmin accounts and users APIs on %s', (dialect) => {
  let server: TestServer;
  let core: Core;
  let app: Express;
  let sa: string;

  const as = (token: string | undefined) => ({
    get: (url: string) => (token ? request(app).get(url).set('Authorization', `Bearer ${token}`) : request(app).get(url)),
    post: (url: string, body?: object) => (token ? request(app).post(url).set('Authorization', `Bearer ${token}`) : request(app).post(url)).send(body ?? {}),
    put: (url: string, body: object) => (token ? request(app).put(url).set('Authorization', `Bearer ${token}`) : request(app).put(url)).send(body),
    patch: (url: string, body: object) => (token ? request(app).patch(url).set('Authorization', `Bearer ${token}`) : request(app).patch(url)).send(body),
    delete: (url: string) => (token ? request(app).delete(url).set('Authorization', `Bearer ${token}`) : request(app).delete(url)),
  });
  const signIn = (account: string, email: string, password = PASSWORD) => signInAs(app, account, email, password);

  beforeAll(async () => {
    server = await startTestServer(dialect);
    ({ core, app } = server);
    await createSuperadmin(systemContext('test'), core, { email: 'root@example.com', password: PASSWORD });
    sa = await signIn('system', 'root@example.com');
  });
  afterAll(() => server?.close());

  it('creates accounts with derived or given slugs and refuses taken or bad ones', async () => {
    const a = (await as(sa).post('/api/v1/accounts', { name: 'Acme Corp' }).expect(201)).body;
    expect(a).toMatchObject({ slug: 'acme-corp', name: 'Acme Corp', user_count: 0, collections_used: [], account_code: expect.stringMatching(/^[A-Z]{2}\d{4}$/) });
    const b = (await as(sa).post('/api/v1/accounts', { name: 'Acme Corp' }).expect(201)).body;
    expect(b.slug).toBe('acme-corp-1');
    expect((await as(sa).post('/api/v1/accounts', { name: 'X', slug: 'acme-corp' }).expect(422)).body.message).toBe("Slug 'acme-corp' already exists");
    expect((await as(sa).post('/api/v1/accounts', { name: 'X', slug: 'Bad Slug!' }).expect(422)).body.code).toBe('invalid_request');
    await as(sa).post('/api/v1/accounts', { slug: 'no-name' }).expect(422);
  });

  it('lists, searches, sorts and pages accounts, the system account included', async () => {
    const all = (await as(sa).get('/api/v1/accounts?page_size=100').expect(200)).body;
    expect(all.items.map((a: { slug: string }) => a.slug)).toEqual(expect.arrayContaining(['system', 'acme-corp', 'acme-corp-1']));
    expect(all).toMatchObject({ page: 1, page_size: 100, total: all.items.length, total_pages: 1 });
    const found = (await as(sa).get('/api/v1/accounts?search=ACME&sort_by=slug&sort_order=asc').expect(200)).body;
    expect(found.items.map((a: { slug: string }) => a.slug)).toEqual(['acme-corp', 'acme-corp-1']);
    const paged = (await as(sa).get('/api/v1/accounts?page=2&page_size=1&sort_by=slug&sort_order=asc').expect(200)).body;
    expect(paged.items).toHaveLength(1);
    expect(paged.total_pages).toBe(paged.total);
    await as(sa).get('/api/v1/accounts?sort_by=password').expect(422);
    await as(sa).get('/api/v1/accounts?page_size=101').expect(422);
    expect((await as(sa).get('/api/v1/accounts?search=%25').expect(200)).body.items).toEqual([]);
  });

  it('manages users across accounts and ends sessions on deactivation and password change', async () => {
    const acme = (await as(sa).get('/api/v1/accounts?search=acme-corp-1').expect(200)).body.items[0];
    const weak = await as(sa).post('/api/v1/users', { email: 'ann@acme.test', password: 'short', account_id: acme.id, role_id: 2 }).expect(400);
    expect(weak.body.details.map((d: { code: string }) => d.code)).toContain('password_too_short');
    await as(sa).post('/api/v1/users', { email: 'ann@acme.test', account_id: acme.id, role_id: 2 }).expect(400);
    await as(sa).post('/api/v1/users', { email: 'ann@acme.test', password: PASSWORD, account_id: '00000000-0000-0000-0000-00000000beef', role_id: 2 }).expect(404);
    await as(sa).post('/api/v1/users', { email: 'ann@acme.test', password: PASSWORD, account_id: acme.id, role_id: 99 }).expect(404);
    const ann = (await as(sa).post('/api/v1/users', { email: 'Ann@Acme.test', password: PASSWORD, account_id: acme.id, role_id: 2 }).expect(201)).body;
    expect(ann).toMatchObject({ email: 'ann@acme.test', account_id: acme.id, account_code: acme.account_code, role_name: 'user', is_active: true, email_verified: false, auth_provider: 'password' });
    await as(sa).post('/api/v1/users', { email: 'ann@acme.test', password: PASSWORD, account_id: acme.id, role_id: 2 }).expect(409);

    await request(app).post('/api/v1/auth/login').send({ account: acme.slug, email: 'ann@acme.test', password: PASSWORD }).expect(401);
    expect((await as(sa).post(`/api/v1/users/${ann.id}/verify`).expect(200)).body.message).toBe('User email verified successfully');
    expect((await as(sa).post(`/api/v1/users/${ann.id}/verify`).expect(200)).body.message).toBe('User email is already verified');
    const annToken = await signIn(acme.slug, 'ann@acme.test');

    // A tenant user is not a superadmin: every endpoint refuses, anonymous gets 401.
    for (const call of [as(annToken).get('/api/v1/accounts'), as(annToken).get('/api/v1/users'), as(annToken).post('/api/v1/accounts', { name: 'Mine' }), as(annToken).delete(`/api/v1/accounts/${acme.id}`)]) {
      expect((await call).status).toBe(403);
    }
    for (const call of [as(undefined).get('/api/v1/accounts'), as(undefined).get(`/api/v1/users/${ann.id}`)]) expect((await call).status).toBe(401);

    const listed = (await as(sa).get(`/api/v1/users?account_id=${acme.id}&search=ANN&is_active=true`).expect(200)).body;
    expect(listed).toMatchObject({ total: 1, items: [{ id: ann.id }] });
    expect((await as(sa).get(`/api/v1/accounts/${acme.id}/users`).expect(200)).body.items).toEqual([expect.objectContaining({ id: ann.id, role: 'user', is_active: true })]);

    // Deactivation cuts the running session off at once.
    await as(annToken).get('/api/v1/auth/me').expect(200);
    await as(sa).patch(`/api/v1/users/${ann.id}`, { is_active: false }).expect(200);
    await as(annToken).get('/api/v1/auth/me').expect(401);
    await as(sa).patch(`/api/v1/users/${ann.id}`, { is_active: true }).expect(200);
    const again = await signIn(acme.slug, 'ann@acme.test');
    await as(sa).put(`/api/v1/users/${ann.id}/password`, { new_password: 'Another-Horse-7!' }).expect(200);
    await as(again).get('/api/v1/auth/me').expect(401);
    await signIn(acme.slug, 'ann@acme.test', 'Another-Horse-7!');
    await as(sa).put(`/api/v1/users/${ann.id}/password`, {}).expect(422);

    const me = (await as(sa).get('/api/v1/auth/me').expect(200)).body;
    await as(sa).patch(`/api/v1/users/${me.user_id}`, { role_id: 2 }).expect(403);
    await as(sa).delete(`/api/v1/users/${me.user_id}`).expect(403);
    await as(sa).delete(`/api/v1/users/${ann.id}`).expect(204);
    expect((await as(sa).get(`/api/v1/users/${ann.id}`).expect(200)).body.is_active).toBe(false);
  });

  it('renames and deletes accounts with everything they own, never the system account', async () => {
    const acme = (await as(sa).get('/api/v1/accounts?search=acme-corp-1').expect(200)).body.items[0];
    expect((await as(sa).put(`/api/v1/accounts/${acme.id}`, { name: 'Acme Two' }).expect(200)).body).toMatchObject({ name: 'Acme Two', slug: 'acme-corp-1' });
    await as(sa).delete('/api/v1/accounts/00000000-0000-0000-0000-000000000000').expect(422);
    await as(sa).delete(`/api/v1/accounts/${acme.id}`).expect(204);
    await as(sa).get(`/api/v1/accounts/${acme.id}`).expect(404);
    expect((await as(sa).get(`/api/v1/users?account_id=${acme.id}`).expect(200)).body.total).toBe(0);
    await as(sa).delete(`/api/v1/accounts/${acme.id}`).expect(404);
  });
});
