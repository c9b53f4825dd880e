import { sql } from 'kysely';
import request from 'supertest';
import { APP_EVENT_NAMES, createSuperadmin, systemContext, type AppEventName, type Core } from '@snackbase/core';
import { HookAbortError } from '@snackbase/hooks';
import { TEST_DIALECTS, type SmtpInbox } from '@snackbase/testing';
import { startServer, type RunningServer } from '../http-server';
import { mailedToken, startTestServer, type SmtpTestServer } from '../test-support/test-server';

/**
 * Every event of the catalogue (spec §6.2) is really fired: a counting handler listens on all of
 * them while real HTTP scenarios run against a listening server, and each scenario states exactly
 * which events fired how often (model events: which tables). The five realtime events are the
 * exception: there is no realtime transport yet. The server is started in-process with
 * `startServer` (port 0), so `app.bootstrap`, `app.serve` and `app.terminate` are counted here too.
 */
const PASSWORD = 'Correct-Horse-9!';
const NEW_PASSWORD = 'Brand-New-Pass-4!';
const REALTIME: readonly AppEventName[] = ['realtime.connect', 'realtime.disconnect', 'realtime.message', 'realtime.subscribe', 'realtime.unsubscribe'];

/** What fired in one scenario: a count per event, or for model events the sorted table names. */
type Fired = Partial<Record<AppEventName, number | string[]>>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const request2 = (n: number) => ({ 'request.before': n, 'request.after': n });
const mailed = (n: number) => ({
  'mailer.beforeSend': n,
  'mailer.afterSend': n,
});
/** The model before/after pair of `op` for these tables (sorted, one entry per row). */
const model = (op: 'Create' | 'Update' | 'Delete', ...tables: string[]): Fired => ({
  [`model.before${op}`]: [...tables].sort(),
  [`model.after${op}`]: [...tables].sort(),
});

describe.each(TEST_DIALECTS)('hook events on %s', (dialect) => {
  let server: SmtpTestServer;
  let core: Core;
  let inbox: SmtpInbox;
  let running: RunningServer | undefined;
  let url = '';
  const counts = new Map<AppEventName, number>();
  const tables = new Map<AppEventName, string[]>();
  const totals = new Map<AppEventName, number>();
  const tokens: Record<string, string> = {};
  let collectionId = '';
  let recordId = '';
  let templateId = '';

  const http = () => request(url);
  const login = async (account: string, email: string, password: string) =>
    (await http().post('/api/v1/auth/login').send({ account, email, password }).expect(200)).body.token as string;
  const as = (who: string, method: 'get' | 'post' | 'put' | 'patch' | 'delete', path: string) => http()[method](path).set('Authorization', `Bearer ${tokens[who]}`);

  /** Waits until nothing more fires (after-commit and `finish` handlers run a little later). */
  async function settle(): Promise<void> {
    let last = -1;
    for (let i = 0; i < 100; i++) {
      await sleep(20);
      await core.apiHooks.idle();
      const now = [...counts.values()].reduce((a, b) => a + b, 0);
      if (now === last) return;
      last = now;
    }
  }

  /** Runs `steps` with fresh counts and answers what fired. */
  async function scenario(steps: () => Promise<unknown>): Promise<Fired> {
    counts.clear();
    tables.clear();
    await steps();
    await settle();
    const fired: Fired = {};
    for (const [event, n] of counts) fired[event] = event.startsWith('model.') ? [...(tables.get(event) ?? [])].sort() : n;
    return fired;
  }

  beforeAll(async () => {
    server = await startTestServer(dialect, { smtp: true, start: false });
    ({ core, inbox } = server);
    for (const event of APP_EVENT_NAMES) {
      // First of all handlers, so a later handler's abort cannot hide the dispatch from the count.
      core.hooks.on(
        event,
        (p: unknown) => {
          counts.set(event, (counts.get(event) ?? 0) + 1);
          totals.set(event, (totals.get(event) ?? 0) + 1);
          const table = (p as { table?: unknown }).table;
          if (event.startsWith('model.')) tables.set(event, [...(tables.get(event) ?? []), String(table)]);
        },
        { id: `count:${event}`, priority: -1_000_000 },
      );
    }
  });
  afterAll(async () => {
    // stop() closes the core too; without a running server, close the core here.
    if (running) await running.stop();
    else await core?.close();
    await server?.t.destroy();
    await inbox?.close();
  });

  it('app start: bootstrap once on start, serve once when listening', async () => {
    // First start seeds configuration (system settings, the three built-in templates): audited rows, so model events.
    const seeded = ['configurations', 'email_templates', 'email_templates', 'email_templates'];
    expect(await scenario(() => core.start())).toEqual({ 'app.bootstrap': 1, 'model.beforeCreate': seeded, 'model.afterCreate': seeded });
    let address = '';
    const off = core.hooks.on('app.serve', (p) => void (address = p.address));
    expect(await scenario(async () => (running = await startServer(core, { host: '127.0.0.1', port: 0 })))).toEqual({ 'app.serve': 1 });
    off();
    url = running?.url ?? '';
    expect(address).toBe(url.replace('localhost', '127.0.0.1'));
    await createSuperadmin(systemContext('test'), core, {
      email: 'root@example.com',
      password: PASSWORD,
    });
    tokens['sa'] = await login('system', 'root@example.com', PASSWORD);
  });

  it('register: the register events, the verification mail and the new rows', async () => {
    const fired = await scenario(() =>
      http()
        .post('/api/v1/auth/register')
        .send({
          email: 'owner@acme.test',
          password: PASSWORD,
          account_name: 'Acme',
        })
        .expect(201),
    );
    expect(fired).toEqual({
      ...request2(1),
      'auth.beforeRegister': 1,
      'auth.afterRegister': 1,
      ...mailed(1),
      ...model('Create', 'accounts', 'groups', 'users', 'users_groups'),
    });
    const token = await mailedToken(inbox, 'owner@acme.test', '/verify-email');
    expect(await scenario(() => http().post('/api/v1/auth/verify-email').send({ token }).expect(200))).toEqual({
      ...request2(1),
      ...model('Update', 'users'),
    });
  });

  it('login and logout', async () => {
    let token = '';
    expect(
      await scenario(
        async () =>
          (token = (
            await http()
              .post('/api/v1/auth/login')
              .send({
                account: 'acme',
                email: 'owner@acme.test',
                password: PASSWORD,
              })
              .expect(200)
          ).body.token),
      ),
    ).toEqual({
      ...request2(1),
      'auth.beforeLogin': 1,
      'auth.afterLogin': 1,
      ...model('Update', 'users'),
    }); // last_login_at
    tokens['owner'] = token;
    expect(await scenario(() => as('owner', 'post', '/api/v1/auth/logout').send({}).expect(200))).toEqual({
      ...request2(1),
      'auth.beforeLogout': 1,
      'auth.afterLogout': 1,
    });
  });

  it('password reset: request mails a link, confirming fires the reset events', async () => {
    const before = inbox.mails.length;
    expect(await scenario(() => http().post('/api/v1/auth/forgot-password').send({ account: 'acme', email: 'owner@acme.test' }).expect(200))).toEqual({
      ...request2(1),
      ...mailed(1),
    });
    const token = await mailedToken(inbox, 'owner@acme.test', '/reset-password', before);
    expect(await scenario(() => http().post('/api/v1/auth/reset-password').send({ token, new_password: NEW_PASSWORD }).expect(200))).toEqual({
      ...request2(1),
      'auth.beforePasswordReset': 1,
      'auth.afterPasswordReset': 1,
      ...model('Update', 'users'),
    });
    // A used token is answered 400 without any reset event.
    expect(await scenario(() => http().post('/api/v1/auth/reset-password').send({ token, new_password: NEW_PASSWORD }).expect(400))).toEqual(request2(1));
    tokens['owner'] = await login('acme', 'owner@acme.test', NEW_PASSWORD);
  });

  it('collection create and update', async () => {
    const open = {
      list_rule: '',
      view_rule: '',
      create_rule: '',
      update_rule: '',
      delete_rule: '',
    };
    const fired = await scenario(async () => {
      collectionId = (
        await as('sa', 'post', '/api/v1/collections')
          .send({
            name: 'items',
            schema: [{ name: 'title', type: 'text' }],
            ...open,
          })
          .expect(201)
      ).body.id;
    });
    expect(fired).toEqual({
      ...request2(1),
      'collection.beforeCreate': 1,
      'collection.afterCreate': 1,
      ...model('Create', 'collection_rules', 'collections'),
    });
    const updated = await scenario(() =>
      as('sa', 'put', `/api/v1/collections/${collectionId}`)
        .send({
          schema: [
            { name: 'title', type: 'text' },
            { name: 'qty', type: 'number' },
          ],
        })
        .expect(200),
    );
    expect(updated).toEqual({
      ...request2(1),
      'collection.beforeUpdate': 1,
      'collection.afterUpdate': 1,
      ...model('Update', 'collections'),
    });
  });

  it('record create, view, list, update and delete', async () => {
    const created = await scenario(async () => (recordId = (await as('owner', 'post', '/api/v1/records/items').send({ title: 'Lamp', qty: 1 }).expect(201)).body.id));
    expect(created).toEqual({
      ...request2(1),
      'record.beforeCreate': 1,
      'record.afterCreate': 1,
    });
    // Viewing one record is not a query: the query events belong to lists.
    expect(await scenario(() => as('owner', 'get', `/api/v1/records/items/${recordId}`).expect(200))).toEqual(request2(1));
    expect(await scenario(() => as('owner', 'get', '/api/v1/records/items').expect(200))).toEqual({
      ...request2(1),
      'record.beforeQuery': 1,
      'record.afterQuery': 1,
    });
    expect(await scenario(() => as('owner', 'patch', `/api/v1/records/items/${recordId}`).send({ qty: 2 }).expect(200))).toEqual({
      ...request2(1),
      'record.beforeUpdate': 1,
      'record.afterUpdate': 1,
    });
    expect(await scenario(() => as('owner', 'delete', `/api/v1/records/items/${recordId}`).expect(204))).toEqual({
      ...request2(1),
      'record.beforeDelete': 1,
      'record.afterDelete': 1,
    });
  });

  it('a mail send: the admin test send', async () => {
    templateId = (await as('sa', 'get', '/api/v1/admin/email/templates?template_type=password_reset').expect(200)).body[0].id;
    const fired = await scenario(() =>
      as('sa', 'post', `/api/v1/admin/email/templates/${templateId}/test`).send({ recipient_email: 'probe@example.com', variables: {} }).expect(200),
    );
    expect(fired).toEqual({ ...request2(1), ...mailed(1) });
  });

  describe('before-handlers rewrite their draft', () => {
    it('auth.beforeRegister may change the slug; mailer.beforeSend the subject, and sees the request id', async () => {
      const off1 = core.hooks.on('auth.beforeRegister', (p) => ({
        ...p,
        accountSlug: 'rewritten-slug',
      }));
      const seen: string[] = [];
      const off2 = core.hooks.on('mailer.beforeSend', (p) => {
        seen.push(p.ctx.requestId);
        return { ...p, message: { ...p.message, subject: `[hooked] ${p.message.subject}` } };
      });
      try {
        const before = inbox.mails.length;
        const res = await http()
          .post('/api/v1/auth/register')
          .set('X-Correlation-ID', 'cid-rewrite-register')
          .send({
            email: 'rita@rewrite.test',
            password: PASSWORD,
            account_name: 'Rewrite',
          })
          .expect(201);
        expect(res.body.account.slug).toBe('rewritten-slug');
        const mail = await inbox.waitFor((m) => inbox.mails.indexOf(m) >= before && JSON.stringify(m.to ?? '').includes('rita@rewrite.test'));
        expect(mail.subject).toMatch(/^\[hooked\] /);
        expect(seen).toEqual(['cid-rewrite-register']);
      } finally {
        off1();
        off2();
      }
    });
  });

  describe('before-handlers abort with their status and nothing is written', () => {
    const abortOnce = <E extends AppEventName>(event: E, status: number, message: string) =>
      core.hooks.on(
        event,
        () => {
          throw new HookAbortError(status, message);
        },
        { id: `abort:${event}` },
      );
    // Raw SQL: `col_items` is a collection table, outside the typed schema.
    const countRows = async (table: 'accounts' | 'email_logs' | 'col_items') =>
      Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(core.db.kysely)).rows[0]?.n);

    it('auth.beforeRegister', async () => {
      const off = abortOnce('auth.beforeRegister', 403, 'Registration is closed');
      try {
        const [accounts, mails] = [await countRows('accounts'), inbox.mails.length];
        const fired = await scenario(async () => {
          const res = await http()
            .post('/api/v1/auth/register')
            .send({
              email: 'zed@closed.test',
              password: PASSWORD,
              account_name: 'Closed',
            })
            .expect(403);
          expect(res.body).toMatchObject({
            code: 'forbidden',
            message: 'Registration is closed',
          });
        });
        expect(fired).toEqual({ ...request2(1), 'auth.beforeRegister': 1 });
        expect(await countRows('accounts')).toBe(accounts);
        expect(inbox.mails.length).toBe(mails);
      } finally {
        off();
      }
    });

    it('auth.beforePasswordReset', async () => {
      const before = inbox.mails.length;
      await http().post('/api/v1/auth/forgot-password').send({ account: 'acme', email: 'owner@acme.test' }).expect(200);
      const token = await mailedToken(inbox, 'owner@acme.test', '/reset-password', before);
      const off = abortOnce('auth.beforePasswordReset', 409, 'Resets are paused');
      try {
        const fired = await scenario(() => http().post('/api/v1/auth/reset-password').send({ token, new_password: 'Another-Pass-7!' }).expect(409));
        expect(fired).toEqual({
          ...request2(1),
          'auth.beforePasswordReset': 1,
        });
      } finally {
        off();
      }
      // The password is unchanged and the token still usable.
      await login('acme', 'owner@acme.test', NEW_PASSWORD);
      expect((await http().get(`/api/v1/auth/verify-reset-token/${token}`).expect(200)).body.valid).toBe(true);
    });

    it('request.before', async () => {
      const rows = await countRows('col_items');
      const off = core.hooks.on('request.before', (p) => {
        if (p.method === 'POST' && p.path === '/api/v1/records/items') throw new HookAbortError(429, 'Slow down');
      });
      try {
        const fired = await scenario(async () => {
          const res = await as('owner', 'post', '/api/v1/records/items').send({ title: 'Blocked' }).expect(429);
          expect(res.body).toMatchObject({
            code: 'too_many_requests',
            message: 'Slow down',
          });
        });
        // The route never ran; the answer still finished, so request.after saw it.
        expect(fired).toEqual(request2(1));
        expect(await countRows('col_items')).toBe(rows);
      } finally {
        off();
      }
    });

    it('mailer.beforeSend', async () => {
      const off = abortOnce('mailer.beforeSend', 422, 'No mail to probes');
      try {
        const [logs, mails] = [await countRows('email_logs'), inbox.mails.length];
        const fired = await scenario(async () => {
          const res = await as('sa', 'post', `/api/v1/admin/email/templates/${templateId}/test`).send({ recipient_email: 'probe@example.com', variables: {} }).expect(422);
          expect(res.body).toMatchObject({ message: 'No mail to probes' });
        });
        expect(fired).toEqual({ ...request2(1), 'mailer.beforeSend': 1 });
        expect(await countRows('email_logs')).toBe(logs);
        await sleep(100);
        expect(inbox.mails.length).toBe(mails);
      } finally {
        off();
      }
    });
  });

  it('collection delete', async () => {
    expect(await scenario(() => as('sa', 'delete', `/api/v1/collections/${collectionId}`).expect(200))).toEqual({
      ...request2(1),
      'collection.beforeDelete': 1,
      'collection.afterDelete': 1,
      ...model('Delete', 'collection_rules', 'collections'),
    });
  });

  it('app stop: terminate once', async () => {
    expect(await scenario(() => running?.stop() ?? Promise.resolve())).toEqual({
      'app.terminate': 1,
    });
  });

  it('fired every catalogue event but the realtime ones at least once', () => {
    const never = APP_EVENT_NAMES.filter((e) => !totals.get(e));
    expect(never).toEqual(REALTIME);
  });
});
