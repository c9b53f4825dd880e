import { randomUUID } from 'node:crypto';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import request from 'supertest';
import { verifySignature, type Core } from '@snackbase/core';
import { accountScope, tenantTable } from '@snackbase/tenancy';
import { TEST_DIALECTS } from '@snackbase/testing';
import { defineCollection } from '../test-support/collection-fixture';
import { signIn, startTestServer, type TestServer } from '../test-support/test-server';
import { addVerifiedUser, insertTwoAccounts } from '../test-support/two-accounts';

/**
 * Record writes reach webhooks after commit, with payloads cut to what the webhook's owner may
 * read (view rule, view_fields, PII masks: spec §12.2 item 18 fixed), signed, and retried on the
 * job queue when the receiver fails.
 */
const PASSWORD = 'Correct-Horse-9!';
const SECRET = 'receiver-secret-0123456789abcdef';

interface Received {
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

describe.each(TEST_DIALECTS)('record webhooks on %s', (dialect) => {
  let server: TestServer;
  let core: Core;
  let app: Express;
  let receiver: Server;
  let url = '';
  let status = 200;
  const received: Received[] = [];
  const A = { id: randomUUID(), code: 'AA0001' };
  const B = { id: randomUUID(), code: 'BB0001' };
  const users = { adminA: randomUUID(), userA: randomUUID(), userB: randomUUID() };
  const tokens: Record<string, string> = {};

  const waitFor = async (n: number) => {
    for (let i = 0; i < 200 && received.length < n; i++) await new Promise((r) => setTimeout(r, 10));
    await core.webhooks.idle();
    return received.map((r) => JSON.parse(r.body) as { event: string; record: Record<string, unknown>; previous: Record<string, unknown> | null });
  };

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(status).end(status < 300 ? 'ok' : 'down');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    server = await startTestServer(dialect, { env: { SNACKBASE_OUTBOUND_ALLOW_PRIVATE: '127.0.0.1/32' } });
    ({ core, app } = server);
    await insertTwoAccounts(core, { A, B });
    await addVerifiedUser(core, A.id, { id: users.adminA, email: 'adm@acme.test', password: PASSWORD, roleId: 1 });
    await addVerifiedUser(core, A.id, { id: users.userA, email: 'ann@acme.test', password: PASSWORD });
    await addVerifiedUser(core, B.id, { id: users.userB, email: 'bob@bolt.test', password: PASSWORD });
    tokens['adminA'] = await signIn(app, 'acme', 'adm@acme.test', PASSWORD);
    tokens['userA'] = await signIn(app, 'acme', 'ann@acme.test', PASSWORD);
    tokens['userB'] = await signIn(app, 'bolt', 'bob@bolt.test', PASSWORD);
    await defineCollection(core, {
      name: 'orders',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'status', type: 'text' },
        { name: 'email', type: 'email', pii: true, mask_type: 'email' },
        { name: 'internal', type: 'text' },
      ],
      rules: {
        list_rule: '',
        view_rule: "status = 'open'",
        create_rule: '',
        update_rule: '',
        delete_rule: '',
        view_fields: JSON.stringify(['title', 'status', 'email']),
      },
    });
    await request(app)
      .post('/api/v1/webhooks')
      .set('Authorization', `Bearer ${tokens['adminA']}`)
      .send({ url, collection: 'orders', events: ['create', 'update', 'delete'], secret: SECRET })
      .expect(201);
  });
  afterAll(async () => {
    await server?.close();
    await new Promise<void>((r) => receiver.close(() => r()));
  });
  beforeEach(() => {
    received.length = 0;
    status = 200;
  });

  const asUser = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });

  it('delivers create, update and delete, signed, with only what the owner may see', async () => {
    const created = await request(app).post('/api/v1/records/orders').set(asUser('userA')).send({ title: 'Desk', status: 'open', email: 'john@example.com', internal: 'cost 12' }).expect(201);
    await request(app).patch(`/api/v1/records/orders/${created.body.id}`).set(asUser('userA')).send({ title: 'Big desk' }).expect(200);
    await request(app).delete(`/api/v1/records/orders/${created.body.id}`).set(asUser('userA')).expect(204);
    const payloads = await waitFor(3);
    expect(payloads.map((p) => p.event).sort()).toEqual(['records.create', 'records.delete', 'records.update']);
    for (const r of received) expect(verifySignature(SECRET, r.body, String(r.headers['x-snackbase-signature']))).toBe(true);
    const create = payloads.find((p) => p.event === 'records.create')!;
    expect(create.record).toMatchObject({ id: created.body.id, title: 'Desk', email: 'j***@example.com', account_id: A.id });
    expect(create.record).not.toHaveProperty('internal');
    expect(JSON.stringify(payloads)).not.toContain('john@example.com');
    expect(JSON.stringify(payloads)).not.toContain('cost 12');
    const update = payloads.find((p) => p.event === 'records.update')!;
    expect(update.record).toMatchObject({ title: 'Big desk' });
    expect(update.previous).toMatchObject({ title: 'Desk' });
    expect(payloads.find((p) => p.event === 'records.delete')!.previous).toMatchObject({ id: created.body.id });
  });

  it('delivers nothing the owner could not view, nor another account’s records', async () => {
    await request(app).post('/api/v1/records/orders').set(asUser('userA')).send({ title: 'Hidden', status: 'draft' }).expect(201);
    await request(app).post('/api/v1/records/orders').set(asUser('userB')).send({ title: 'Theirs', status: 'open' }).expect(201);
    await new Promise((r) => setTimeout(r, 100));
    await core.webhooks.idle();
    expect(received).toHaveLength(0);
  });

  it('retries a failed delivery as a job on the queue', async () => {
    status = 503;
    await request(app).post('/api/v1/records/orders').set(asUser('userA')).send({ title: 'Chair', status: 'open' }).expect(201);
    await waitFor(1);
    const deliveries = await tenantTable(core.db.kysely, accountScope(A.id), 'webhook_deliveries').select().selectAll().where('status', '=', 'retrying').execute();
    expect(deliveries).toHaveLength(1);
    const { items } = await core.jobs.list({ queue: 'webhooks' });
    expect(items).toHaveLength(1);
    expect(items[0].payload).toEqual({ delivery_id: deliveries[0].id, account_id: A.id, run_at: expect.any(String) });
    // Make the retry due now instead of in a minute, then let a worker run it.
    await core.db.kysely.updateTable('jobs').set({ run_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', items[0].id).execute();
    status = 200;
    expect(await core.jobs.runNext(['webhooks'])).toBeDefined();
    expect(received).toHaveLength(2);
    const row = await tenantTable(core.db.kysely, accountScope(A.id), 'webhook_deliveries').select().selectAll().where('id', '=', deliveries[0].id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'delivered', response_status: 200 });
    expect(Number(row.attempt_number)).toBe(2);
  });

  it('stops delivering at once when a webhook is disabled or deleted (the per-account cache is invalidated)', async () => {
    const admin = { Authorization: `Bearer ${tokens['adminA']}` };
    const extra = await request(app).post('/api/v1/webhooks').set(admin).send({ url: `${url}?second`, collection: 'orders', events: ['create'] }).expect(201);
    await request(app).post('/api/v1/records/orders').set(asUser('userA')).send({ title: 'Lamp', status: 'open' }).expect(201);
    expect((await waitFor(2)).length).toBe(2); // the first webhook and the new one
    received.length = 0;
    await request(app).put(`/api/v1/webhooks/${extra.body.id}`).set(admin).send({ enabled: false }).expect(200);
    await request(app).post('/api/v1/records/orders').set(asUser('userA')).send({ title: 'Rug', status: 'open' }).expect(201);
    await core.webhooks.idle();
    expect(received.map((r) => r.headers['x-snackbase-event'] ?? '').length).toBe(1);
    received.length = 0;
    await request(app).delete(`/api/v1/webhooks/${extra.body.id}`).set(admin).expect(204);
    await request(app).post('/api/v1/records/orders').set(asUser('userA')).send({ title: 'Vase', status: 'open' }).expect(201);
    await core.webhooks.idle();
    expect(received.length).toBe(1);
  });
});
