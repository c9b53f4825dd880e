import { randomUUID } from 'node:crypto';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import request from 'supertest';
import { createSuperadmin, systemContext, verifySignature, type Core } from '@snackbase/core';
import { accountScope, tenantTable } from '@snackbase/tenancy';
import { TEST_DIALECTS } from '@snackbase/testing';
import { signIn as signInAs, startTestServer, type TestServer } from '../test-support/test-server';
import { addVerifiedUser, insertTwoAccounts } from '../test-support/two-accounts';

const PASSWORD = 'Correct-Horse-9!';
type Caller = 'anonymous' | 'userA' | 'adminA' | 'userB' | 'superadmin';
const CALLERS: readonly Caller[] = ['anonymous', 'userA', 'adminA', 'userB', 'superadmin'];

describe.each(TEST_DIALECTS)('webhooks routes on %s', (dialect) => {
  let testServer: TestServer;
  let core: Core;
  let app: Express;
  let server: Server;
  let receiver: string;
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const A = { id: randomUUID(), code: 'AA0001' };
  const B = { id: randomUUID(), code: 'BB0001' };
  const ids = { userA: randomUUID(), adminA: randomUUID(), userB: randomUUID() };
  const tokens: Partial<Record<Caller, string>> = {};
  const SECRET = 'route-test-secret-0123456789abcdef';

  const addUser = (accountId: string, id: string, email: string, roleId = 2) => addVerifiedUser(core, accountId, { id, email, password: PASSWORD, roleId });
  async function signIn(caller: Caller, account: string, email: string) {
    tokens[caller] = await signInAs(app, account, email, PASSWORD);
  }
  function as(caller: Caller, method: 'get' | 'post' | 'put' | 'delete', url: string) {
    const req = request(app)[method](url);
    const token = tokens[caller];
    return token ? req.set('Authorization', `Bearer ${token}`) : req;
  }
  const webhookRow = (id: string) => tenantTable(core.db.kysely, accountScope(A.id), 'webhooks').select().selectAll().where('id', '=', id).executeTakeFirst();
  const freshWebhookOfA = async () => (await as('userA', 'post', '/api/v1/webhooks').send({ url: `${receiver}/in`, collection: 'posts', events: ['create'], secret: SECRET }).expect(201)).body.id as string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    receiver = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // The receiver is on loopback, and the tenancy matrix creates many webhooks in one account.
    testServer = await startTestServer(dialect, { env: { SNACKBASE_OUTBOUND_ALLOW_PRIVATE: '127.0.0.1/32', SNACKBASE_MAX_WEBHOOKS_PER_ACCOUNT: '1000' } });
    ({ core, app } = testServer);
    await createSuperadmin(systemContext('test'), core, { email: 'root@example.com', password: PASSWORD });
    await insertTwoAccounts(core, { A, B });
    await addUser(A.id, ids.userA, 'ann@acme.test');
    await addUser(A.id, ids.adminA, 'adm@acme.test', 1);
    await addUser(B.id, ids.userB, 'bob@bolt.test');
    await signIn('userA', 'acme', 'ann@acme.test');
    await signIn('adminA', 'acme', 'adm@acme.test');
    await signIn('userB', 'bolt', 'bob@bolt.test');
    await signIn('superadmin', 'system', 'root@example.com');
  });
  afterAll(async () => {
    await testServer?.close();
    await new Promise<void>((r) => server.close(() => r()));
  });
  beforeEach(() => void (received.length = 0));

  describe('tenancy matrix', () => {
    const OWN = { anonymous: 401, userA: 0, adminA: 0, userB: 404, superadmin: 0 } as const;
    const rows: ReadonlyArray<[string, 'get' | 'put' | 'delete' | 'post', (id: string) => string, object | undefined, number]> = [
      ['GET /webhooks/:id', 'get', (id) => `/api/v1/webhooks/${id}`, undefined, 200],
      ['PUT /webhooks/:id', 'put', (id) => `/api/v1/webhooks/${id}`, { url: 'https://changed.example/in', enabled: false }, 200],
      ['DELETE /webhooks/:id', 'delete', (id) => `/api/v1/webhooks/${id}`, undefined, 204],
      ['GET /webhooks/:id/deliveries', 'get', (id) => `/api/v1/webhooks/${id}/deliveries`, undefined, 200],
      ['POST /webhooks/:id/test', 'post', (id) => `/api/v1/webhooks/${id}/test`, undefined, 200],
    ];
    const cases = rows.flatMap(([name, method, url, body, ok]) => CALLERS.map((caller) => [name, caller, method, url, body, OWN[caller] || ok] as const));

    it.each(cases)('%s as %s', async (_name, caller, method, url, body, status) => {
      const id = await freshWebhookOfA();
      const before = await webhookRow(id);
      const req = as(caller, method, url(id));
      const res = await (body ? req.send(body) : req).expect(status);
      if (status === 404) expect(res.body).toMatchObject({ message: 'Webhook not found', code: 'not_found' });
      if (status === 401) expect(res.body.code).toBe('unauthorized');
      if (status >= 400) {
        expect(await webhookRow(id)).toEqual(before);
        expect(received).toHaveLength(0);
      }
      expect(JSON.stringify(res.body)).not.toContain(SECRET);
    });

    it.each(CALLERS)('GET and POST /webhooks as %s', async (caller) => {
      const id = await freshWebhookOfA();
      const list = await as(caller, 'get', '/api/v1/webhooks?limit=200').expect(caller === 'anonymous' ? 401 : 200);
      const create = await as(caller, 'post', '/api/v1/webhooks').send({ url: 'https://hooks.example/in', collection: 'c', events: ['create'] }).expect(caller === 'anonymous' ? 401 : 201);
      if (caller === 'anonymous') return;
      expect((list.body.items as { id: string }[]).some((w) => w.id === id)).toBe(caller !== 'userB');
      expect(create.body.secret).toMatch(/^[0-9a-f]{64}$/);
    });
  });

  it('anonymous callers get 401 before validation', async () => {
    const res = await request(app).post('/api/v1/webhooks').send({ nonsense: true }).expect(401);
    expect(res.body.code).toBe('unauthorized');
  });

  it('returns the secret once and test-delivers a verifiable, signed sample', async () => {
    const created = await as('userA', 'post', '/api/v1/webhooks').send({ url: `${receiver}/in`, collection: 'posts', events: ['create', 'create'] }).expect(201);
    expect(created.body.events).toEqual(['create']);
    const secret = created.body.secret as string;
    const shown = await as('userA', 'get', `/api/v1/webhooks/${created.body.id}`).expect(200);
    expect(shown.body).not.toHaveProperty('secret');
    expect((await webhookRow(created.body.id))?.secret).not.toContain(secret);
    const test = await as('userA', 'post', `/api/v1/webhooks/${created.body.id}/test`).expect(200);
    expect(test.body).toMatchObject({ success: true, status_code: 200, response_body: 'ok', error: null });
    expect(received).toHaveLength(1);
    expect(verifySignature(secret, received[0].body, String(received[0].headers['x-snackbase-signature']))).toBe(true);
    const log = await as('userA', 'get', `/api/v1/webhooks/${created.body.id}/deliveries?limit=10`).expect(200);
    expect(log.body).toMatchObject({ total: 1, items: [{ event: 'test', status: 'delivered', response_status: 200, attempt_number: 1 }] });
  });

  it('answers 422 for a private literal URL and a bad body, 400 for a bad filter', async () => {
    await as('userA', 'post', '/api/v1/webhooks').send({ url: 'http://169.254.169.254/latest', collection: 'c', events: ['create'] }).expect(422);
    await as('userA', 'post', '/api/v1/webhooks').send({ url: 'https://ok.example/', collection: 'c', events: [] }).expect(422);
    await as('userA', 'post', '/api/v1/webhooks').send({ url: 'https://ok.example/', collection: 'c', events: ['explode'] }).expect(422);
    const bad = await as('userA', 'post', '/api/v1/webhooks').send({ url: 'https://ok.example/', collection: 'c', events: ['create'], filter: 'a = = 1' }).expect(400);
    expect(bad.body.code).toBe('validation_failed');
  });
});
