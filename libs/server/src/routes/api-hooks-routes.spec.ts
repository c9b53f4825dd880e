import { randomUUID } from 'node:crypto';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { sql } from 'kysely';
import request from 'supertest';
import { createScheduler, type Core } from '@snackbase/core';
import { accountScope, tenantTable } from '@snackbase/tenancy';
import { TEST_DIALECTS } from '@snackbase/testing';
import { defineCollection } from '../test-support/collection-fixture';
import { signIn, startTestServer, type TestServer } from '../test-support/test-server';
import { addVerifiedUser, insertTwoAccounts } from '../test-support/two-accounts';

/**
 * API-defined hooks (spec §10.11, §12.6 items 43–45 fixed): CRUD confined to the account, event
 * hooks that really fire after commit, record actions acting as the creator, and a scheduler whose
 * claims are exactly-once across instances with a job that really runs the actions.
 */
const PASSWORD = 'Correct-Horse-9!';

describe.each(TEST_DIALECTS)('API hooks on %s', (dialect) => {
  let server: TestServer;
  let core: Core;
  let app: Express;
  let receiver: Server;
  let url = '';
  const received: { path: string; body: string }[] = [];
  const A = { id: randomUUID(), code: 'AH0001' };
  const B = { id: randomUUID(), code: 'BH0001' };
  const users = { adminA: randomUUID(), userA: randomUUID(), userA2: randomUUID(), userB: randomUUID() };
  const tokens: Record<string, string> = {};

  const as = (who: string, method: 'get' | 'post' | 'patch' | 'delete', path: string) => request(app)[method](path).set('Authorization', `Bearer ${tokens[who]}`);
  const settle = async (n = 0) => {
    for (let i = 0; i < 200 && received.length < n; i++) await new Promise((r) => setTimeout(r, 10));
    await core.apiHooks.idle();
  };
  const notesWithText = async (text: string) => (await sql<Record<string, unknown>>`select * from col_notes where account_id = ${A.id} and text = ${text}`.execute(core.db.kysely)).rows;
  const clearHooks = async () => {
    for (const id of [A.id, B.id]) await tenantTable(core.db.kysely, accountScope(id), 'hooks').delete().execute();
    core.bus.invalidate('api-hooks', '*'); // deleted behind the module's back: drop its cached copies
    await core.db.kysely.deleteFrom('jobs').execute();
  };

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', body });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/in`;
    server = await startTestServer(dialect, { env: { SNACKBASE_OUTBOUND_ALLOW_PRIVATE: '127.0.0.1/32' } });
    ({ core, app } = server);
    await insertTwoAccounts(core, { A, B });
    await addVerifiedUser(core, A.id, { id: users.adminA, email: 'adm@acme.test', password: PASSWORD, roleId: 1 });
    await addVerifiedUser(core, A.id, { id: users.userA, email: 'ann@acme.test', password: PASSWORD });
    await addVerifiedUser(core, A.id, { id: users.userA2, email: 'amy@acme.test', password: PASSWORD });
    await addVerifiedUser(core, B.id, { id: users.userB, email: 'bob@bolt.test', password: PASSWORD });
    tokens['adminA'] = await signIn(app, 'acme', 'adm@acme.test', PASSWORD);
    tokens['userA'] = await signIn(app, 'acme', 'ann@acme.test', PASSWORD);
    tokens['userA2'] = await signIn(app, 'acme', 'amy@acme.test', PASSWORD);
    tokens['userB'] = await signIn(app, 'bolt', 'bob@bolt.test', PASSWORD);
    const open = { list_rule: '', view_rule: '', create_rule: '', update_rule: '', delete_rule: '' };
    await defineCollection(core, { name: 'orders', fields: [{ name: 'title', type: 'text' }, { name: 'total', type: 'number' }], rules: open });
    await defineCollection(core, { name: 'notes', fields: [{ name: 'text', type: 'text' }, { name: 'author', type: 'text' }], rules: open });
  });
  afterAll(async () => {
    await server?.close();
    await new Promise<void>((r) => receiver.close(() => r()));
  });
  beforeEach(async () => {
    await clearHooks();
    received.length = 0;
  });

  describe('CRUD and validation', () => {
    it('creates, reads, lists, patches, toggles and deletes a schedule hook, audited', async () => {
      const created = await as('userA', 'post', '/api/v1/hooks').send({ name: 'Nightly', trigger: { type: 'schedule', cron: '0 2 * * *' }, actions: [] }).expect(201);
      expect(created.body).toMatchObject({ account_id: A.id, name: 'Nightly', enabled: true, cron: '0 2 * * *', created_by: users.userA, condition: null });
      expect(created.body.next_run_at).toMatch(/T02:00:00\.000Z$/);
      expect(typeof created.body.cron_description).toBe('string');
      const id = created.body.id as string;
      await as('userA', 'get', `/api/v1/hooks/${id}`).expect(200);
      const list = await as('adminA', 'get', '/api/v1/hooks?trigger_type=schedule&enabled=true').expect(200);
      expect(list.body).toMatchObject({ total: 1, items: [{ id }] });
      expect((await as('adminA', 'get', '/api/v1/hooks?trigger_type=event').expect(200)).body.total).toBe(0);
      const patched = await as('userA', 'patch', `/api/v1/hooks/${id}`).send({ trigger: { type: 'schedule', cron: '*/5 * * * *' } }).expect(200);
      expect(patched.body).toMatchObject({ name: 'Nightly', cron: '*/5 * * * *' });
      const off = await as('adminA', 'patch', `/api/v1/hooks/${id}/toggle`).expect(200);
      expect(off.body).toMatchObject({ enabled: false, next_run_at: null });
      const on = await as('userA', 'patch', `/api/v1/hooks/${id}/toggle`).expect(200);
      expect(on.body.enabled).toBe(true);
      expect(on.body.next_run_at).not.toBeNull();
      await as('userA', 'delete', `/api/v1/hooks/${id}`).expect(204);
      await as('userA', 'get', `/api/v1/hooks/${id}`).expect(404);
      await core.audit.flush();
      const audit = await core.db.kysely.selectFrom('audit_log').select(['operation']).where('table_name', '=', 'hooks').where('record_id', '=', id).execute();
      expect(new Set(audit.map((r) => r.operation))).toEqual(new Set(['CREATE', 'UPDATE', 'DELETE']));
    });

    it('rejects bad cron, events, actions and conditions', async () => {
      const bad = await as('userA', 'post', '/api/v1/hooks').send({ name: 'x', trigger: { type: 'schedule', cron: '61 * * * *' } }).expect(422);
      expect(bad.body.message).toMatch(/^Invalid cron expression: /);
      await as('userA', 'post', '/api/v1/hooks').send({ name: 'x', trigger: { type: 'schedule', cron: '* * * *' } }).expect(422);
      await as('userA', 'post', '/api/v1/hooks').send({ name: 'x', trigger: { type: 'schedule', cron: '0 0 L * *' } }).expect(422);
      await as('userA', 'post', '/api/v1/hooks').send({ name: 'x', trigger: { type: 'event', event: 'records.explode' } }).expect(422);
      await as('userA', 'post', '/api/v1/hooks').send({ name: 'x', trigger: { type: 'manual' }, actions: [{ type: 'launch_rocket' }] }).expect(422);
      await as('userA', 'post', '/api/v1/hooks').send({ name: 'x', trigger: { type: 'manual' }, actions: [{ type: 'send_webhook' }] }).expect(422);
      const rule = await as('userA', 'post', '/api/v1/hooks').send({ name: 'x', trigger: { type: 'event', event: 'records.create', collection: 'orders' }, condition: 'nope = 1' }).expect(400);
      expect(rule.body.code).toBe('invalid_rule');
      await as('userA', 'post', '/api/v1/hooks').send({ name: 'x', trigger: { type: 'event', event: 'records.create' }, condition: 'total >' }).expect(400);
      await as('userA', 'post', '/api/v1/hooks').send({ name: 'ok', trigger: { type: 'schedule', cron: '0 9 * JAN-MAR MON-FRI' } }).expect(201);
    });

    it('hides other accounts’ hooks and other users’ hooks behind the same 404', async () => {
      const mine = await as('userA', 'post', '/api/v1/hooks').send({ name: 'Mine', trigger: { type: 'manual' } }).expect(201);
      const id = mine.body.id as string;
      for (const who of ['userB', 'userA2']) {
        const res = await as(who, 'get', `/api/v1/hooks/${id}`).expect(404);
        expect(res.body).toMatchObject({ message: 'Hook not found', code: 'not_found' });
        await as(who, 'patch', `/api/v1/hooks/${id}`).send({ name: 'stolen' }).expect(404);
        await as(who, 'post', `/api/v1/hooks/${id}/trigger`).expect(404);
        await as(who, 'delete', `/api/v1/hooks/${id}`).expect(404);
      }
      await as('userA', 'get', `/api/v1/hooks/${randomUUID()}`).expect(404);
      expect((await as('userB', 'get', '/api/v1/hooks').expect(200)).body.total).toBe(0);
      await as('adminA', 'get', `/api/v1/hooks/${id}`).expect(200);
      await request(app).get('/api/v1/hooks').expect(401);
    });

    it('answers 409 over the per-account limit', async () => {
      const now = new Date().toISOString();
      const rows = Array.from({ length: 50 }, (_, i) => ({ id: randomUUID(), name: `h${i}`, trigger: JSON.stringify({ type: 'manual' }), actions: '[]', enabled: true, created_by: users.userA, created_at: now, updated_at: now }));
      await tenantTable(core.db.kysely, accountScope(A.id), 'hooks').insert(rows).execute();
      await as('userA', 'post', '/api/v1/hooks').send({ name: 'one too many', trigger: { type: 'manual' } }).expect(409);
      await as('userB', 'post', '/api/v1/hooks').send({ name: 'other account', trigger: { type: 'manual' } }).expect(201);
    });
  });

  describe('event hooks', () => {
    it('fires send_webhook after a matching create, only when the condition holds and only for its account', async () => {
      await as('userA', 'post', '/api/v1/hooks')
        .send({
          name: 'Big orders',
          trigger: { type: 'event', event: 'records.create', collection: 'orders' },
          condition: 'total > 100',
          actions: [{ type: 'send_webhook', url: `${url}/{{record.id}}`, body_template: { title: '{{record.title}}', by: '{{auth.email}}', total: '{{record.total}}' } }],
        })
        .expect(201);
      await as('userA', 'post', '/api/v1/records/orders').send({ title: 'Small', total: 5 }).expect(201);
      await as('userB', 'post', '/api/v1/records/orders').send({ title: 'Theirs', total: 500 }).expect(201);
      await as('userA', 'post', '/api/v1/records/notes').send({ text: 'not orders' }).expect(201);
      await settle();
      expect(received).toHaveLength(0);
      const big = await as('userA2', 'post', '/api/v1/records/orders').send({ title: 'Big', total: 250 }).expect(201);
      await settle(1);
      expect(received).toHaveLength(1);
      expect(received[0].path).toBe(`/in/${big.body.id}`);
      expect(JSON.parse(received[0].body)).toEqual({ title: 'Big', by: 'amy@acme.test', total: 250 });
      const [hook] = (await as('userA', 'get', '/api/v1/hooks').expect(200)).body.items;
      expect(hook.last_run_at).not.toBeNull();
      const executions = await as('userA', 'get', `/api/v1/hooks/${hook.id}/executions`).expect(200);
      expect(executions.body).toMatchObject({ total: 1, items: [{ status: 'success', actions_executed: 1, trigger_type: 'event', error_message: null }] });
    });

    it('sees a hook at once when it is created, disabled and deleted (the per-account cache is invalidated)', async () => {
      await as('userA', 'post', '/api/v1/records/orders').send({ title: 'Warm', total: 500 }).expect(201); // caches "no hooks"
      await settle();
      const hook = await as('userA', 'post', '/api/v1/hooks')
        .send({ name: 'Every order', trigger: { type: 'event', event: 'records.create', collection: 'orders' }, actions: [{ type: 'send_webhook', url: `${url}/{{record.id}}` }] })
        .expect(201);
      const first = await as('userA', 'post', '/api/v1/records/orders').send({ title: 'One', total: 1 }).expect(201);
      await settle(1);
      expect(received.map((r) => r.path)).toEqual([`/in/${first.body.id}`]);
      await as('userA', 'patch', `/api/v1/hooks/${hook.body.id}/toggle`).expect(200);
      await as('userA', 'post', '/api/v1/records/orders').send({ title: 'Two', total: 2 }).expect(201);
      await settle();
      expect(received).toHaveLength(1);
      await as('userA', 'patch', `/api/v1/hooks/${hook.body.id}/toggle`).expect(200);
      await as('userA', 'delete', `/api/v1/hooks/${hook.body.id}`).expect(204);
      await as('userA', 'post', '/api/v1/records/orders').send({ title: 'Three', total: 3 }).expect(201);
      await settle();
      expect(received).toHaveLength(1);
    });

    it('runs create_record as the hook’s creator (audited) and stops self-triggering chains at the depth limit', async () => {
      await as('userA', 'post', '/api/v1/hooks')
        .send({
          name: 'Note per order',
          trigger: { type: 'event', event: 'records.create', collection: 'orders' },
          actions: [{ type: 'create_record', collection: 'notes', data: { text: 'Order {{record.title}} created', author: '{{auth.email}}' } }],
        })
        .expect(201);
      await as('userA2', 'post', '/api/v1/records/orders').send({ title: 'Lamp', total: 1 }).expect(201);
      await settle();
      const notes = await notesWithText('Order Lamp created');
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatchObject({ created_by: users.userA, author: 'amy@acme.test' });
      await core.audit.flush();
      const audit = await core.db.kysely.selectFrom('audit_log').select(['user_id']).where('record_id', '=', String(notes[0]['id'])).execute();
      expect(audit.length).toBeGreaterThan(0);
      expect(audit.every((r) => r.user_id === users.userA)).toBe(true);

      // A hook that creates the very records it listens to: runs 5 levels deep, then stops.
      await as('userA', 'post', '/api/v1/hooks')
        .send({ name: 'Loop', trigger: { type: 'event', event: 'records.create', collection: 'notes' }, condition: "author = 'loop'", actions: [{ type: 'create_record', collection: 'notes', data: { text: 'again', author: 'loop' } }] })
        .expect(201);
      await as('userA', 'post', '/api/v1/records/notes').send({ text: 'start', author: 'loop' }).expect(201);
      for (let i = 0; i < 10; i++) await settle();
      const loops = await notesWithText('again');
      expect(loops).toHaveLength(5);
    });

    it('fails record actions when the creator is deactivated', async () => {
      const hook = await as('userA2', 'post', '/api/v1/hooks').send({ name: 'By amy', trigger: { type: 'manual' }, actions: [{ type: 'create_record', collection: 'notes', data: { text: 'x' } }] }).expect(201);
      await tenantTable(core.db.kysely, accountScope(A.id), 'users').update({ is_active: false }).where('id', '=', users.userA2).execute();
      try {
        const res = await as('adminA', 'post', `/api/v1/hooks/${hook.body.id}/trigger`).expect(202);
        expect(res.body).toMatchObject({ message: 'Hook executed', status: 'failed', actions_executed: 0 });
        expect(res.body.error).toMatch(/creator/);
      } finally {
        await tenantTable(core.db.kysely, accountScope(A.id), 'users').update({ is_active: true }).where('id', '=', users.userA2).execute();
      }
    });
  });

  describe('manual trigger', () => {
    it('runs a manual hook inline (partial when a later action fails) and logs it', async () => {
      const hook = await as('userA', 'post', '/api/v1/hooks')
        .send({
          name: 'Two steps',
          trigger: { type: 'manual' },
          enabled: false,
          actions: [
            { type: 'enqueue_job', handler: 'report', payload: { by: '{{auth.user_id}}' } },
            { type: 'send_webhook', url: 'http://10.0.0.1/blocked' },
            { type: 'send_webhook', url },
          ],
        })
        .expect(201);
      const res = await as('userA', 'post', `/api/v1/hooks/${hook.body.id}/trigger`).expect(202);
      expect(res.body).toMatchObject({ message: 'Hook executed', status: 'partial', actions_executed: 1 });
      expect(res.body.error).toMatch(/^send_webhook/);
      expect(received).toHaveLength(0);
      const { items } = await core.jobs.list({ queue: 'default', handler: 'report' });
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ payload: { by: users.userA }, account_id: A.id });
      const executions = await as('userA', 'get', `/api/v1/hooks/${hook.body.id}/executions`).expect(200);
      expect(executions.body.items[0]).toMatchObject({ status: 'partial', actions_executed: 1, trigger_type: 'manual' });
    });
  });

  describe('reserved job handlers', () => {
    const bHook = async () =>
      (await as('userB', 'post', '/api/v1/hooks').send({ name: 'B only', trigger: { type: 'manual' }, enabled: false, actions: [{ type: 'send_webhook', url }] }).expect(201)).body.id as string;

    it('refuses an enqueue_job action naming a handler of the server’s own jobs', async () => {
      for (const handler of ['scheduled_hook', ' webhooks.deliver ']) {
        const res = await as('userA', 'post', '/api/v1/hooks')
          .send({ name: 'Sneaky', trigger: { type: 'manual' }, actions: [{ type: 'enqueue_job', handler, payload: {} }] })
          .expect(422);
        expect(res.body.details).toEqual([expect.objectContaining({ field: 'body.actions.0.handler' })]);
      }
    });

    it('fails the action when a template renders a reserved handler, so another account’s hook never runs', async () => {
      const target = await bHook();
      await as('userA', 'post', '/api/v1/hooks')
        .send({
          name: 'Templated handler',
          trigger: { type: 'event', event: 'records.create', collection: 'orders' },
          actions: [{ type: 'enqueue_job', handler: '{{record.title}}', payload: { hook_id: target, account_id: B.id, scheduled_for: '2026-01-01T00:00:00.000Z', manual: true } }],
        })
        .expect(201);
      await as('userA', 'post', '/api/v1/records/orders').send({ title: 'scheduled_hook', total: 1 }).expect(201);
      await settle();
      expect((await core.jobs.list({ handler: 'scheduled_hook' })).items).toHaveLength(0);
      const [execution] = (await tenantTable(core.db.kysely, accountScope(A.id), 'hook_executions').select().selectAll().orderBy('executed_at', 'desc').execute());
      expect(execution).toMatchObject({ status: 'failed' });
      expect(String(execution.error_message)).toMatch(/reserved/);
      expect(received).toHaveLength(0);
    });

    it('a scheduled_hook job of one account naming another account’s hook does not run it', async () => {
      const target = await bHook();
      const job = await core.jobs.enqueue(core.db, {
        handler: 'scheduled_hook', queue: 'scheduled', maxRetries: 0, accountId: A.id,
        payload: { hook_id: target, account_id: B.id, scheduled_for: new Date().toISOString(), manual: true },
      });
      await core.jobs.runNext(['scheduled']);
      await settle();
      expect(received).toHaveLength(0);
      expect((await core.jobs.get(job.id)).status).not.toBe('completed');
    });
  });

  describe('scheduler', () => {
    it('enqueues exactly one job per due hook when two schedulers tick at once, and the job runs the actions', async () => {
      const hook = await as('userA', 'post', '/api/v1/hooks')
        .send({ name: 'Every minute', trigger: { type: 'schedule', cron: '* * * * *' }, actions: [{ type: 'send_webhook', url, body_template: 'tick at {{now}}' }, { type: 'create_record', collection: 'notes', data: { text: 'scheduled' } }] })
        .expect(201);
      const past = new Date(Date.now() - 120_000).toISOString();
      await tenantTable(core.db.kysely, accountScope(A.id), 'hooks').update({ next_run_at: past }).where('id', '=', hook.body.id).execute();
      const one = createScheduler({ db: core.db, logger: core.logger, jobs: core.jobs });
      const two = createScheduler({ db: core.db, logger: core.logger, jobs: core.jobs });
      const counts = await Promise.all([one.tick(), two.tick(), one.tick(), two.tick()]);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
      const { items } = await core.jobs.list({ queue: 'scheduled' });
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ handler: 'scheduled_hook', payload: { hook_id: hook.body.id, account_id: A.id, scheduled_for: past } });
      const row = await tenantTable(core.db.kysely, accountScope(A.id), 'hooks').select().selectAll().where('id', '=', hook.body.id).executeTakeFirstOrThrow();
      expect(row.last_run_at).not.toBeNull();
      expect(String(row.next_run_at) > new Date().toISOString()).toBe(true);
      // Not due any more: another tick enqueues nothing.
      expect(await one.tick()).toBe(0);

      expect(await core.jobs.runNext(['scheduled'])).toBeDefined();
      expect(received).toHaveLength(1);
      expect(received[0].body).toMatch(/^tick at \d{4}-/);
      const notes = await notesWithText('scheduled');
      expect(notes).toHaveLength(1);
      expect(notes[0]['created_by']).toBe(users.userA);
      const executions = await as('userA', 'get', `/api/v1/hooks/${hook.body.id}/executions`).expect(200);
      expect(executions.body.items[0]).toMatchObject({ status: 'success', actions_executed: 2, trigger_type: 'schedule' });
      const job = await core.jobs.get(items[0].id);
      expect(job.status).toBe('completed');
    });

    it('skips missed runs on start and enqueues a job for a manual trigger of a schedule hook', async () => {
      const hook = await as('userA', 'post', '/api/v1/hooks').send({ name: 'Hourly', trigger: { type: 'schedule', cron: '0 * * * *' } }).expect(201);
      const hooks = () => tenantTable(core.db.kysely, accountScope(A.id), 'hooks');
      await hooks().update({ next_run_at: '2020-01-01T00:00:00.000Z' }).where('id', '=', hook.body.id).execute();
      const scheduler = createScheduler({ db: core.db, logger: core.logger, jobs: core.jobs });
      expect(await scheduler.recompute()).toBe(1);
      const row = await hooks().select().selectAll().where('id', '=', hook.body.id).executeTakeFirstOrThrow();
      expect(String(row.next_run_at) > new Date().toISOString()).toBe(true);
      expect(await scheduler.tick()).toBe(0);
      const res = await as('userA', 'post', `/api/v1/hooks/${hook.body.id}/trigger`).expect(202);
      expect(res.body).toEqual({ message: 'Job enqueued successfully', job_id: expect.any(String) });
      expect((await core.jobs.get(res.body.job_id)).queue).toBe('scheduled');
    });
  });
});
