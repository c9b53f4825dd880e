import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { TEST_DIALECTS } from '@snackbase/testing';
import { signIn as signInAs, startTestServer, type TestServer } from '../test-support/test-server';

/**
 * The tenancy matrix, generated from the OpenAPI document so that every registered endpoint is
 * in it the day it is added: each endpoint × {anonymous, user A, admin A, user B, superadmin,
 * API key}. Account B's callers aim at account A's ids and must get nothing: no 2xx, no 500,
 * and no A id anywhere in the answer.
 */
const PASSWORD = 'Correct-Horse-9!';
const SA = { email: 'root@matrix.test', password: 'Root-Matrix-Pass-1!' };

/** Routes anyone may call (they take credentials or one-time tokens in the body). */
const PUBLIC = new Set([
  'post /api/v1/auth/login', 'post /api/v1/auth/refresh', 'post /api/v1/auth/register', 'post /api/v1/auth/verify-email',
  'post /api/v1/auth/forgot-password', 'post /api/v1/auth/reset-password', 'get /api/v1/auth/verify-reset-token/{token}',
  'get /api/v1/invitations/{token}', 'post /api/v1/invitations/{token}/accept', 'post /api/v1/auth/logout',
  'get /health', 'get /live', 'get /ready', 'get /api/v1',
]);
/** Routes any signed-in user may call, each acting on the caller's own account only. */
const TENANT_PREFIXES = ['/api/v1/groups', '/api/v1/invitations', '/api/v1/webhooks', '/api/v1/hooks', '/api/v1/auth/', '/api/v1/records'];
/** Record routes answer anonymous callers by the collection's rules (X-Account-ID, spec §4.1); their matrix is records-tenancy.spec.ts. */
const RULE_GOVERNED = '/api/v1/records';

type Caller = 'anonymous' | 'userA' | 'adminA' | 'userB' | 'superadmin' | 'apiKey';
const CALLERS: Caller[] = ['anonymous', 'userA', 'adminA', 'userB', 'superadmin', 'apiKey'];

describe.each(TEST_DIALECTS)('tenancy matrix on %s', (dialect) => {
  let server: TestServer;
  let app: Express;
  const auth: Partial<Record<Caller, Record<string, string>>> = { anonymous: {} };
  const a = { account: '', adminId: '', userId: '', groupId: '', invitationId: '', apiKeyId: '', webhookId: '' };
  let routes: { method: string; path: string }[] = [];

  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const signIn = (account: string, email: string, password = PASSWORD) => signInAs(app, account, email, password);
  async function registerVerified(slug: string, email: string): Promise<{ accountId: string; userId: string }> {
    const r = (await request(app).post('/api/v1/auth/register').send({ email, password: PASSWORD, account_name: slug, account_slug: slug }).expect(201)).body;
    await request(app).post(`/api/v1/users/${r.user.id}/verify`).set(auth.superadmin!).expect(200);
    return { accountId: r.account.id, userId: r.user.id };
  }

  beforeAll(async () => {
    server = await startTestServer(dialect, { env: { SNACKBASE_AUTH_RATE_LIMIT_PER_IP: '0', SNACKBASE_SUPERADMIN_EMAIL: SA.email, SNACKBASE_SUPERADMIN_PASSWORD: SA.password } });
    ({ app } = server);
    auth.superadmin = bearer(await signIn('system', SA.email, SA.password));
    const A = await registerVerified('alpha', 'admin@alpha.test');
    const B = await registerVerified('beta', 'user@beta.test');
    Object.assign(a, { account: A.accountId, adminId: A.userId });
    auth.adminA = bearer(await signIn('alpha', 'admin@alpha.test'));
    auth.userB = bearer(await signIn('beta', 'user@beta.test'));
    a.userId = (await request(app).post('/api/v1/users').set(auth.superadmin).send({ email: 'user@alpha.test', password: PASSWORD, account_id: a.account, role_id: 2 }).expect(201)).body.id;
    await request(app).post(`/api/v1/users/${a.userId}/verify`).set(auth.superadmin).expect(200);
    auth.userA = bearer(await signIn('alpha', 'user@alpha.test'));
    a.groupId = (await request(app).post('/api/v1/groups').set(auth.adminA).send({ name: 'editors' }).expect(201)).body.id;
    a.invitationId = (await request(app).post('/api/v1/invitations').set(auth.adminA).send({ email: 'new@alpha.test' }).expect(201)).body.id;
    a.webhookId = (await request(app).post('/api/v1/webhooks').set(auth.adminA).send({ url: 'https://hooks.example.com/alpha', collection: 'users', events: ['login'] }).expect(201)).body.id;
    const key = (await request(app).post('/api/v1/admin/api-keys').set(auth.superadmin).send({ name: 'matrix key' }).expect(201)).body;
    a.apiKeyId = key.id;
    auth.apiKey = { 'X-API-Key': key.key };
    const doc = (await request(app).get('/api/v1/openapi.json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
    routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => ({ method, path })));
    expect(B.accountId).not.toBe(a.account);
  });
  afterAll(() => server?.close());

  /** Account A's id for a path parameter, by the resource the path names. */
  function fill(path: string): string {
    const idFor = (p: string) =>
      p.startsWith('/api/v1/accounts') ? a.account
        : p.startsWith('/api/v1/users') ? a.userId
          : p.startsWith('/api/v1/groups') ? a.groupId
            : p.startsWith('/api/v1/invitations') ? a.invitationId
              : p.startsWith('/api/v1/webhooks') ? a.webhookId
              : p.startsWith('/api/v1/admin/api-keys') ? a.apiKeyId
                : p.startsWith('/api/v1/roles') ? '2'
                  : p.startsWith('/api/v1/audit-logs') ? '1'
                    : randomUUID();
    return path.replace('{id}', idFor(path)).replace('{user_id}', a.adminId).replace('{token}', 'not-a-token');
  }

  async function call(caller: Caller, method: string, path: string) {
    const req = (request(app) as unknown as Record<string, (url: string) => request.Test>)[method](fill(path)).set(auth[caller] ?? {});
    return ['post', 'put', 'patch'].includes(method) ? req.send({}) : req;
  }

  it('covers every registered endpoint', () => {
    expect(routes.length).toBeGreaterThan(50);
    for (const must of ['get /api/v1/accounts', 'get /api/v1/groups/{id}', 'delete /api/v1/invitations/{id}', 'get /api/v1/admin/api-keys', 'get /api/v1/audit-logs']) {
      expect(routes.map((r) => `${r.method} ${r.path}`)).toContain(must);
    }
  });

  it('anonymous callers get 401 on every non-public endpoint', async () => {
    const wrong: string[] = [];
    for (const r of routes.filter((r) => !PUBLIC.has(`${r.method} ${r.path}`) && !r.path.startsWith('/docs') && !r.path.startsWith(RULE_GOVERNED))) {
      const res = await call('anonymous', r.method, r.path);
      if (res.status !== 401) wrong.push(`${r.method} ${r.path} → ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('tenant users get 403 on every superadmin endpoint, never 2xx or 500', async () => {
    const wrong: string[] = [];
    const superadminOnly = routes.filter((r) => !PUBLIC.has(`${r.method} ${r.path}`) && !TENANT_PREFIXES.some((p) => r.path.startsWith(p)) && !r.path.startsWith('/docs'));
    for (const caller of ['userA', 'adminA', 'userB'] as const) {
      for (const r of superadminOnly) {
        const res = await call(caller, r.method, r.path);
        if (res.status !== 403) wrong.push(`${caller} ${r.method} ${r.path} → ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("account B's user never reaches, changes or sees account A's groups, invitations and webhooks", async () => {
    const wrong: string[] = [];
    const aIds = [a.account, a.adminId, a.userId, a.groupId, a.invitationId, a.webhookId];
    for (const r of routes.filter((r) => ['/api/v1/groups', '/api/v1/invitations', '/api/v1/webhooks'].some((p) => r.path.startsWith(p)) && !PUBLIC.has(`${r.method} ${r.path}`))) {
      const res = await call('userB', r.method, r.path);
      const text = JSON.stringify(res.body ?? '') + (res.text ?? '');
      if (r.path.includes('{id}') && res.status !== 404 && !(res.status === 422 && r.method !== 'get')) wrong.push(`${r.method} ${r.path} → ${res.status}`);
      if (res.status >= 500) wrong.push(`${r.method} ${r.path} → ${res.status}`);
      for (const id of aIds) if (text.includes(id)) wrong.push(`${r.method} ${r.path} leaked ${id}`);
    }
    expect(wrong).toEqual([]);
    // A's rows are untouched after B's attempts.
    const group = await request(app).get(`/api/v1/groups/${a.groupId}`).set(auth.adminA!).expect(200);
    expect(group.body.name).toBe('editors');
    const invitations = (await request(app).get('/api/v1/invitations').set(auth.adminA!).expect(200)).body.invitations;
    expect(invitations.map((i: { id: string; status?: string }) => i.id)).toContain(a.invitationId);
  });

  it('superadmin and the superadmin-owned API key read every GET endpoint without a 401, 403 or 500', async () => {
    const wrong: string[] = [];
    for (const caller of ['superadmin', 'apiKey'] as const) {
      for (const r of routes.filter((r) => r.method === 'get' && !PUBLIC.has(`${r.method} ${r.path}`) && !r.path.startsWith('/docs'))) {
        const res = await call(caller, r.method, r.path);
        if ([401, 403].includes(res.status) || res.status >= 500) wrong.push(`${caller} ${r.method} ${r.path} → ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('no caller gets a 500 from any endpoint with an empty or hostile body', async () => {
    const wrong: string[] = [];
    for (const caller of CALLERS) {
      for (const r of routes.filter((r) => ['post', 'put', 'patch'].includes(r.method) && !r.path.startsWith('/docs'))) {
        const res = await (request(app) as unknown as Record<string, (url: string) => request.Test>)[r.method](fill(r.path))
          .set(auth[caller] ?? {})
          .send({ __proto__: { admin: true }, constructor: 'x', account_id: a.account, role: 'superadmin', email: "a'; drop table users;--@x.y", name: '\u0000'.repeat(3) });
        // 503 is allowed: with no mail provider configured, a resend honestly reports the dependency missing.
        if (res.status >= 500 && res.status !== 503) wrong.push(`${caller} ${r.method} ${r.path} → ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
