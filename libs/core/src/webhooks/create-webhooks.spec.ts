import { randomUUID } from 'node:crypto';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDatabase } from '@snackbase/db';
import { accountScope, tenantTable } from '@snackbase/tenancy';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '@snackbase/testing';
import { createSuperadmin, SYSTEM_ACCOUNT_ID } from '../accounts';
import { loadConfig } from '../config';
import { systemContext, type RequestContext } from '../context';
import { createCore, type Core } from '../create-core';
import { createLogger } from '../logging';
import { createSecretBox } from './secret-box';
import { createWebhooks, type Webhooks } from './create-webhooks';
import type { WebhookViewer } from './webhook-event';
import { signatureHeader, verifySignature } from './webhook-signature';

const secrets = { secretKey: 'k'.repeat(64), tokenSecret: 't'.repeat(64), encryptionKey: 'e'.repeat(64) };
const SECRET = 'receiver-shared-secret-0123456789';

/** The status, code and message of a rejected call, whatever realm threw it. */
async function failure(p: Promise<unknown>): Promise<{ status?: number; message: string; code?: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { status?: number; message: string; code?: string };
    return { status: err.status, message: err.message, code: err.code };
  }
  throw new Error('expected a rejection');
}

interface Received {
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** Hides `note` and every record marked `hidden`: the owner's "rules". */
const viewer: WebhookViewer = (_owner, _collection, row) => {
  if (row['hidden'] === true) return null;
  return Object.fromEntries(Object.entries(row).filter(([k]) => k !== 'note'));
};

describe.each(TEST_DIALECTS)('webhooks on %s', (dialect) => {
  let t: TestDatabase;
  let core: Core;
  let webhooks: Webhooks;
  let server: Server;
  let base: string;
  const received: Received[] = [];
  let status = 200;
  const A = randomUUID();
  const B = randomUUID();
  const userA = randomUUID();
  const adminA = randomUUID();
  const userB = randomUUID();

  const ctxOf = (accountId: string, userId: string, role = 'user', isSuperadmin = false): RequestContext => ({
    principal: { kind: 'user', userId, accountId, email: 'x@y.z', role, sessionId: 's', isSuperadmin },
    requestId: 'cid_test',
  });
  const asA = () => ctxOf(A, userA);
  const asAdminA = () => ctxOf(A, adminA, 'admin');
  const asB = () => ctxOf(B, userB);
  const asSa = () => ctxOf(SYSTEM_ACCOUNT_ID, randomUUID(), 'admin', true);
  const post = (collection = 'posts', extra: object = {}) => ({ url: `${base}/in`, collection, events: ['create', 'update', 'delete'] as const, secret: SECRET, ...extra });
  const deliveriesOf = (id: string) => tenantTable(core.db.kysely, accountScope(A), 'webhook_deliveries').select().selectAll().where('webhook_id', '=', id).execute();

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, body });
        res.writeHead(status).end(status < 300 ? 'thanks' : 'boom');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    t = await createTestDatabase(dialect);
    await t.db.destroy();
    const config = loadConfig({ env: { SNACKBASE_DATABASE_URL: t.url, SNACKBASE_STATIC_DIR: '/nonexistent' }, envFile: null });
    const logger = createLogger({ level: 'error', format: 'json', silent: true });
    core = createCore({ config, secrets, logger, db: createDatabase({ url: t.url }) });
    await core.start();
    webhooks = createWebhooks({ db: core.db, logger, encryptionKey: secrets.encryptionKey, environment: 'testing', allowPrivate: ['127.0.0.1/32'], maxPerAccount: 50, maxAttempts: 3, retryBaseDelayMs: 5, viewer, audit: core.audit });
    await createSuperadmin(systemContext('test'), core, { email: 'root@example.com', password: 'Correct-Horse-9!' });
    await core.db.kysely
      .insertInto('accounts')
      .values([
        { id: A, account_code: 'AA0001', slug: 'acme', name: 'Acme' },
        { id: B, account_code: 'BB0001', slug: 'bolt', name: 'Bolt' },
      ])
      .execute();
    const users: [string, string, string, number][] = [[A, userA, 'ann@acme.test', 2], [A, adminA, 'adm@acme.test', 1], [B, userB, 'bob@bolt.test', 2]];
    for (const [account, id, email, role] of users) {
      await tenantTable(core.db.kysely, accountScope(account), 'users').insert({ id, email, password_hash: 'x', role_id: role }).execute();
    }
  });
  afterAll(async () => {
    await webhooks.close();
    await core.close();
    await t.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });
  beforeEach(() => {
    received.length = 0;
    status = 200;
  });

  it('shows the secret once, stores it encrypted and bound to the row', async () => {
    const created = await webhooks.create(asA(), post('secrets'));
    expect(created.secret).toBe(SECRET);
    expect(await webhooks.get(asA(), created.id)).not.toHaveProperty('secret');
    expect((await webhooks.list(asA())).items.every((w) => !('secret' in w))).toBe(true);
    const row = await tenantTable(core.db.kysely, accountScope(A), 'webhooks').select().selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(row.secret).not.toContain(SECRET);
    expect(row.secret.startsWith('v1.')).toBe(true);
    const box = createSecretBox(secrets.encryptionKey, 'webhook-secret');
    expect(box.open(row.secret, created.id)).toBe(SECRET);
    expect(() => box.open(row.secret, randomUUID())).toThrow();
    expect(() => createSecretBox('f'.repeat(64), 'webhook-secret').open(row.secret, created.id)).toThrow();
    const generated = await webhooks.create(asA(), { ...post('secrets'), secret: undefined });
    expect(generated.secret).toMatch(/^[0-9a-f]{64}$/);
  });

  it('delivers a signed payload the receiver can verify, with only what the owner may see', async () => {
    const hook = await webhooks.create(asA(), post('articles'));
    const ids = await webhooks.dispatch({ accountId: A, collection: 'articles', kind: 'create', record: { id: 'r1', title: 'Hi', note: 'private' }, previous: null });
    expect(ids).toHaveLength(1);
    await webhooks.idle();
    expect(received).toHaveLength(1);
    const { headers, body } = received[0];
    const signature = String(headers['x-snackbase-signature']);
    const t0 = Number(/^t=(\d+),v1=[0-9a-f]{64}$/.exec(signature)?.[1]);
    expect(signature).toBe(signatureHeader(SECRET, body, t0));
    expect(verifySignature(SECRET, body, signature)).toBe(true);
    expect(verifySignature('wrong-secret-wrong-secret', body, signature)).toBe(false);
    expect(headers['x-snackbase-event']).toBe('records.create');
    expect(headers['x-snackbase-delivery']).toBe(ids[0]);
    expect(headers['content-type']).toBe('application/json');
    const payload = JSON.parse(body);
    expect(payload).toMatchObject({ event: 'records.create', collection: 'articles', record: { id: 'r1', title: 'Hi' }, previous: null, webhook_id: hook.id, account_id: A });
    expect(payload.record).not.toHaveProperty('note');
    const [row] = await deliveriesOf(hook.id);
    expect(row).toMatchObject({ status: 'delivered', response_status: 200, response_body: 'thanks', error_message: null });
    expect(Number(row.attempt_number)).toBe(1);
  });

  it('applies the filter to the visible record and skips hidden records', async () => {
    const hook = await webhooks.create(asA(), post('tasks', { filter: "status = 'done' && priority > 2" }));
    const send = (record: Record<string, unknown>) => webhooks.dispatch({ accountId: A, collection: 'tasks', kind: 'update', record, previous: { id: record['id'], status: 'open' } });
    expect(await send({ id: 't1', status: 'done', priority: 5 })).toHaveLength(1);
    expect(await send({ id: 't2', status: 'open', priority: 5 })).toHaveLength(0);
    expect(await send({ id: 't3', status: 'done', priority: 1 })).toHaveLength(0);
    expect(await send({ id: 't4', status: 'done', priority: 5, hidden: true })).toHaveLength(0);
    await webhooks.idle();
    expect(received.map((r) => JSON.parse(r.body).record.id)).toEqual(['t1']);
    expect(JSON.parse(received[0].body).previous).toEqual({ id: 't1', status: 'open' });
    expect(await deliveriesOf(hook.id)).toHaveLength(1);
  });

  it('ignores other collections, other events, disabled webhooks and other accounts', async () => {
    const hook = await webhooks.create(asA(), { ...post('notes'), events: ['delete'] });
    await webhooks.create(asA(), { ...post('notes'), enabled: false });
    await webhooks.create(asB(), post('notes'));
    expect(await webhooks.dispatch({ accountId: A, collection: 'notes', kind: 'create', record: { id: 'n' }, previous: null })).toHaveLength(0);
    expect(await webhooks.dispatch({ accountId: A, collection: 'other', kind: 'delete', record: { id: 'n' }, previous: null })).toHaveLength(0);
    const ids = await webhooks.dispatch({ accountId: A, collection: 'notes', kind: 'delete', record: { id: 'n', title: 'gone' }, previous: null });
    await webhooks.idle();
    expect(ids).toHaveLength(1);
    expect(JSON.parse(received[0].body)).toMatchObject({ event: 'records.delete', record: {}, previous: { id: 'n', title: 'gone' }, webhook_id: hook.id });
  });

  it('retries a failing receiver, then logs the delivery failed', async () => {
    status = 500;
    const hook = await webhooks.create(asA(), post('flaky'));
    await webhooks.dispatch({ accountId: A, collection: 'flaky', kind: 'create', record: { id: 'f' }, previous: null });
    await webhooks.idle();
    expect(received).toHaveLength(3);
    const [row] = await deliveriesOf(hook.id);
    expect(row).toMatchObject({ status: 'failed', response_status: 500, response_body: 'boom', error_message: 'HTTP 500', next_retry_at: null });
    expect(Number(row.attempt_number)).toBe(3);
  });

  it('hands retries to the job queue: the next attempt is a job carrying ids only', async () => {
    const queued = createWebhooks({
      db: core.db,
      logger: createLogger({ level: 'error', format: 'json', silent: true }),
      encryptionKey: secrets.encryptionKey,
      environment: 'testing',
      allowPrivate: ['127.0.0.1/32'],
      maxAttempts: 3,
      retryBaseDelayMs: 5,
      viewer,
      scheduleRetry: async (retry) => {
        await core.jobs.enqueue(core.db, { handler: 'test.webhooks.deliver', queue: 'webhooks-test', payload: retry, runAt: new Date(retry.run_at), maxRetries: 0, accountId: retry.account_id });
      },
    });
    core.jobs.register('test.webhooks.deliver', (job) => queued.retryDelivery(job.payload as Parameters<Webhooks['retryDelivery']>[0]));
    try {
      status = 500;
      const hook = await queued.create(asA(), post('queued'));
      await queued.dispatch({ accountId: A, collection: 'queued', kind: 'create', record: { id: 'q' }, previous: null });
      await queued.idle();
      expect(received).toHaveLength(1);
      expect((await deliveriesOf(hook.id))[0]).toMatchObject({ status: 'retrying', error_message: 'HTTP 500' });
      const { items } = await core.jobs.list({ queue: 'webhooks-test' });
      expect(items).toHaveLength(1);
      expect(JSON.stringify(items[0].payload)).not.toContain(SECRET);
      status = 200;
      await new Promise((r) => setTimeout(r, 30));
      expect(await core.jobs.runNext(['webhooks-test'])).toBeDefined();
      expect(received).toHaveLength(2);
      expect(verifySignature(SECRET, received[1].body, String(received[1].headers['x-snackbase-signature']))).toBe(true);
      const [row] = await deliveriesOf(hook.id);
      expect(row).toMatchObject({ status: 'delivered', response_status: 200, next_retry_at: null });
      expect(Number(row.attempt_number)).toBe(2);
      // Settled: nothing further is scheduled.
      expect((await core.jobs.list({ queue: 'webhooks-test', status: 'pending' })).items).toHaveLength(0);
    } finally {
      await queued.close();
    }
  });

  it('test-delivers a sample payload and logs it', async () => {
    const hook = await webhooks.create(asA(), post('samples'));
    expect(await webhooks.test(asA(), hook.id)).toMatchObject({ success: true, status_code: 200, response_body: 'thanks', error: null });
    expect(JSON.parse(received[0].body)).toMatchObject({ event: 'test', collection: 'samples', record: { id: 'test-record', example: 'data' }, previous: null });
    status = 503;
    expect(await webhooks.test(asA(), hook.id)).toMatchObject({ success: false, status_code: 503, error: 'HTTP 503' });
    expect((await webhooks.deliveries(asA(), hook.id)).total).toBe(2);
  });

  it('refuses a private URL at delivery time without the allow list', async () => {
    const strict = createWebhooks({ db: core.db, logger: core.logger, encryptionKey: secrets.encryptionKey, environment: 'testing', viewer, resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
    expect(await failure(strict.create(asA(), post('ssrf')))).toMatchObject({ status: 422 });
    // Saved through the permissive instance, delivered through the strict one: a host name that
    // resolves to loopback (DNS rebinding) is refused at connect time.
    const hook = await webhooks.create(asA(), { ...post('ssrf'), url: base.replace('127.0.0.1', 'hooks.example') + '/in' });
    expect(await strict.test(asA(), hook.id)).toMatchObject({ success: false, status_code: null });
    expect(received).toHaveLength(0);
    const [row] = await deliveriesOf(hook.id);
    expect(row.status).toBe('failed');
    expect(row.error_message).toContain('127.0.0.1 is in a loopback range');
  });

  it('validates URL, filter, headers and the per-account limit', async () => {
    expect(await failure(webhooks.create(asA(), { ...post(), url: 'ftp://x.example/' }))).toMatchObject({ status: 422 });
    expect(await failure(webhooks.create(asA(), { ...post(), url: 'http://169.254.169.254/' }))).toMatchObject({ status: 422 });
    expect(await failure(webhooks.create(asA(), { ...post(), filter: "status = 'x' &&" }))).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(await failure(webhooks.create(asA(), { ...post(), filter: '@request.auth.id = 1' }))).toMatchObject({ status: 400 });
    expect(await failure(webhooks.create(asA(), { ...post(), headers: { Host: 'evil' } }))).toMatchObject({ status: 422 });
    const prod = createWebhooks({ db: core.db, logger: core.logger, encryptionKey: secrets.encryptionKey, environment: 'production', allowPrivate: ['127.0.0.1/32'] });
    expect(await failure(prod.create(asB(), { ...post(), url: 'http://hooks.example/' }))).toMatchObject({ status: 422, message: 'URL must use https in production' });
    expect(await failure(prod.create(asB(), { ...post(), url: 'https://127.0.0.1/' }))).toMatchObject({ status: 422 });
    const have = (await webhooks.list(asB())).total;
    const limited = createWebhooks({ db: core.db, logger: core.logger, encryptionKey: secrets.encryptionKey, environment: 'testing', allowPrivate: ['127.0.0.1/32'], maxPerAccount: have + 1 });
    await limited.create(asB(), post('one'));
    expect(await failure(limited.create(asB(), post('two')))).toMatchObject({ status: 400 });
  });

  it('confines every call to the account and to the creator or an admin', async () => {
    const hook = await webhooks.create(asA(), post('private'));
    for (const call of [
      () => webhooks.get(asB(), hook.id),
      () => webhooks.update(asB(), hook.id, { url: 'https://evil.example/' }),
      () => webhooks.remove(asB(), hook.id),
      () => webhooks.deliveries(asB(), hook.id),
      () => webhooks.test(asB(), hook.id),
    ]) {
      expect(await failure(call())).toMatchObject({ status: 404, message: 'Webhook not found' });
    }
    expect((await webhooks.list(asB())).items.some((w) => w.id === hook.id)).toBe(false);
    expect((await webhooks.get(asAdminA(), hook.id)).id).toBe(hook.id);
    expect((await webhooks.get(asSa(), hook.id)).id).toBe(hook.id);
    const adminHook = await webhooks.create(asAdminA(), post('admin-only'));
    expect(await failure(webhooks.get(asA(), adminHook.id))).toMatchObject({ status: 404 });
    const updated = await webhooks.update(asA(), hook.id, { enabled: false, filter: 'a = 1', url: null });
    expect(updated).toMatchObject({ enabled: false, filter: 'a = 1', url: `${base}/in` });
    await webhooks.remove(asA(), hook.id);
    expect(await failure(webhooks.get(asA(), hook.id))).toMatchObject({ status: 404 });
  });
});
