import type { Express } from 'express';
import request from 'supertest';
import type { AuditLogEntry, Core } from '@snackbase/core';
import { HookAbortError } from '@snackbase/hooks';
import { TEST_DIALECTS } from '@snackbase/testing';
import { startTestServer, type TestServer } from '../test-support/test-server';

const SA = { email: 'root@models.test', password: 'Root-Models-Pass-1!' };
const PASSWORD = 'Owner-Models-Pass-2!';
const MODEL_EVENTS = ['model.beforeCreate', 'model.afterCreate', 'model.beforeUpdate', 'model.afterUpdate', 'model.beforeDelete', 'model.afterDelete'] as const;
const PHASE = { CREATE: 'Create', UPDATE: 'Update', DELETE: 'Delete' } as const;

/** One model event as a handler saw it; `rid` is the request id (the X-Correlation-ID sent). */
interface Fired {
  readonly event: string;
  readonly table: string;
  readonly id: string;
  readonly rid: string;
}

/** Records every model event on `core`; returns what fired so far, in order. */
function recordModelEvents(core: Core): Fired[] {
  const fired: Fired[] = [];
  for (const event of MODEL_EVENTS)
    core.hooks.on(
      event,
      (p) =>
        void fired.push({
          event,
          table: p.table,
          id: p.id,
          rid: p.ctx.requestId,
        }),
    );
  return fired;
}

/** The model events one audited change must fire: before (in the transaction), then after (on commit). */
function eventsOf(op: keyof typeof PHASE, table: string, id: string): [string, string] {
  return [`model.before${PHASE[op]} ${table} ${id}`, `model.after${PHASE[op]} ${table} ${id}`];
}

/** Befores in write order, then afters in the same order: how one transaction fires them. */
function expectedFor(changes: ReadonlyArray<[keyof typeof PHASE, string, string]>): string[] {
  const pairs = changes.map(([op, table, id]) => eventsOf(op, table, id));
  return [...pairs.map((p) => p[0]), ...pairs.map((p) => p[1])];
}

describe.each(TEST_DIALECTS)('model events on %s', (dialect) => {
  let server: TestServer;
  let core: Core;
  let app: Express;
  let fired: Fired[];
  let sa: string;
  let root: string;

  const call = (method: 'get' | 'post' | 'put' | 'patch' | 'delete', url: string, cid: string, token?: string) => {
    const req = request(app)[method](url).set('X-Correlation-ID', cid);
    return token ? req.set('Authorization', `Bearer ${token}`) : req;
  };
  const firedFor = (cid: string) => fired.filter((f) => f.rid === cid).map((f) => `${f.event} ${f.table} ${f.id}`);
  const auditOf = async (cid: string): Promise<AuditLogEntry[]> => {
    await core.audit.flush();
    const rows = await core.db.kysely.selectFrom('audit_log').selectAll().where('request_id', '=', cid).orderBy('id').execute();
    return rows as unknown as AuditLogEntry[];
  };

  beforeAll(async () => {
    server = await startTestServer(dialect, {
      env: {
        SNACKBASE_SUPERADMIN_EMAIL: SA.email,
        SNACKBASE_SUPERADMIN_PASSWORD: SA.password,
      },
    });
    ({ core, app } = server);
    fired = recordModelEvents(core);
    const login = (
      await call('post', '/api/v1/auth/login', 'cid-sa-login')
        .send({ account: 'system', ...SA })
        .expect(200)
    ).body;
    [sa, root] = [login.token as string, login.user.id as string];
  });
  afterAll(() => server?.close());

  it('fires before and after events for every audited system-table write, matching the audit log', async () => {
    expect(firedFor('cid-sa-login')).toEqual(expectedFor([['UPDATE', 'users', root]]));

    const reg = (
      await call('post', '/api/v1/auth/register', 'cid-register')
        .send({
          email: 'owner@models.test',
          password: PASSWORD,
          account_name: 'Models Co',
        })
        .expect(201)
    ).body;
    const [accountId, ownerId] = [reg.account.id as string, reg.user.id as string];
    const defaultGroup = (await groupsNamed(accountId))[0]?.id;
    expect(firedFor('cid-register')).toEqual(
      expectedFor([
        ['CREATE', 'accounts', accountId],
        ['CREATE', 'users', ownerId],
        ['CREATE', 'groups', defaultGroup],
        ['CREATE', 'users_groups', `${ownerId}:${defaultGroup}`],
      ]),
    );

    const user = (
      await call('post', '/api/v1/users', 'cid-user-create', sa)
        .send({
          email: 'made@models.test',
          password: PASSWORD,
          account_id: accountId,
          role_id: 2,
        })
        .expect(201)
    ).body;
    await call('patch', `/api/v1/users/${user.id}`, 'cid-user-update', sa)
      .send({ profile_data: { team: 'ops' } })
      .expect(200);
    const group = (await call('post', '/api/v1/groups', 'cid-group-create', sa).send({ name: 'Editors', account_id: accountId }).expect(201)).body;
    await call('post', `/api/v1/groups/${group.id}/users`, 'cid-member-add', sa).send({ user_id: user.id }).expect(201);
    await call('delete', `/api/v1/groups/${group.id}/users/${user.id}`, 'cid-member-remove', sa).expect(204);
    await call('delete', `/api/v1/groups/${group.id}`, 'cid-group-delete', sa).expect(204);
    const key = (await call('post', '/api/v1/admin/api-keys', 'cid-key-create', sa).send({ name: 'ci key' }).expect(201)).body;
    await call('delete', `/api/v1/admin/api-keys/${key.id}`, 'cid-key-revoke', sa).expect(204);
    const collection = (
      await call('post', '/api/v1/collections', 'cid-collection-create', sa)
        .send({ name: 'notes', schema: [{ name: 'title', type: 'text' }] })
        .expect(201)
    ).body;
    const rules = await core.db.kysely.selectFrom('collection_rules').select('id').where('collection_id', '=', collection.id).executeTakeFirstOrThrow();
    await call('put', '/api/v1/collections/notes/rules', 'cid-rules-update', sa).send({ list_rule: '' }).expect(200);
    const template = (await call('get', '/api/v1/admin/email/templates?template_type=invitation', 'cid-read', sa).expect(200)).body[0];
    await call('put', `/api/v1/admin/email/templates/${template.id}`, 'cid-template-update', sa).send({ subject: 'Join {{ account_name }}' }).expect(200);

    const membership = `${user.id}:${group.id}`;
    expect(firedFor('cid-user-create')).toEqual(expectedFor([['CREATE', 'users', user.id]]));
    expect(firedFor('cid-user-update')).toEqual(expectedFor([['UPDATE', 'users', user.id]]));
    expect(firedFor('cid-group-create')).toEqual(expectedFor([['CREATE', 'groups', group.id]]));
    expect(firedFor('cid-member-add')).toEqual(expectedFor([['CREATE', 'users_groups', membership]]));
    expect(firedFor('cid-member-remove')).toEqual(expectedFor([['DELETE', 'users_groups', membership]]));
    expect(firedFor('cid-group-delete')).toEqual(expectedFor([['DELETE', 'groups', group.id]]));
    expect(firedFor('cid-key-create')).toEqual(expectedFor([['CREATE', 'api_keys', key.id]]));
    expect(firedFor('cid-key-revoke')).toEqual(expectedFor([['UPDATE', 'api_keys', key.id]]));
    expect(firedFor('cid-collection-create')).toEqual(
      expectedFor([
        ['CREATE', 'collections', collection.id],
        ['CREATE', 'collection_rules', rules.id],
      ]),
    );
    expect(firedFor('cid-rules-update')).toEqual(expectedFor([['UPDATE', 'collection_rules', rules.id]]));
    expect(firedFor('cid-template-update')).toEqual(expectedFor([['UPDATE', 'email_templates', template.id]]));
    // …and the configuration change is audited: who changed which column, old and new value.
    expect((await auditOf('cid-template-update')).map((e) => [e.table_name, e.record_id, e.column_name, e.old_value, e.new_value, e.user_id])).toEqual(
      expect.arrayContaining([['email_templates', template.id, 'subject', template.subject, 'Join {{ account_name }}', root]]),
    );

    // Every request: exactly one before/after pair per audited change (no more, none missing).
    for (const cid of new Set(fired.map((f) => f.rid))) {
      const changes = [...new Map((await auditOf(cid)).map((e) => [`${e.operation} ${e.table_name} ${e.record_id}`, e])).values()];
      expect({ cid, fired: firedFor(cid) }).toEqual({
        cid,
        fired: expectedFor(changes.map((e) => [e.operation, e.table_name, e.record_id])),
      });
    }
  });

  it('hands handlers the rows, frozen, with secret columns redacted', async () => {
    const seen: unknown[] = [];
    const off = [
      core.hooks.on('model.beforeCreate', (p) => void seen.push(p.values), {
        tags: ['users'],
      }),
      core.hooks.on('model.afterUpdate', (p) => void seen.push({ model: p.model, previous: p.previous }), { tags: ['users'] }),
    ];
    try {
      const accountId = (await core.db.kysely.selectFrom('accounts').select('id').where('slug', '=', 'models-co').executeTakeFirstOrThrow()).id;
      const user = (
        await call('post', '/api/v1/users', 'cid-rows', sa)
          .send({
            email: 'rows@models.test',
            password: PASSWORD,
            account_id: accountId,
            role_id: 2,
          })
          .expect(201)
      ).body;
      await call('patch', `/api/v1/users/${user.id}`, 'cid-rows-update', sa).send({ is_active: false }).expect(200);
      const [created, updated] = seen as [Record<string, unknown>, { model: Record<string, unknown>; previous: Record<string, unknown> }];
      expect(created).toMatchObject({
        id: user.id,
        email: 'rows@models.test',
        account_id: accountId,
        password_hash: '[redacted]',
      });
      expect(Object.isFrozen(created)).toBe(true);
      expect(updated.previous).toMatchObject({
        email: 'rows@models.test',
        is_active: true,
      });
      expect(updated.model).toMatchObject({
        email: 'rows@models.test',
        is_active: false,
      });
    } finally {
      off.forEach((unsubscribe) => unsubscribe());
    }
  });

  it('a before-handler abort is the answer: its 4xx, and nothing written, audit included', async () => {
    const off = core.hooks.on(
      'model.beforeCreate',
      (p) => {
        if (p.values['name'] === 'Forbidden') throw new HookAbortError(403, 'Groups may not be called Forbidden');
      },
      { tags: ['groups'] },
    );
    try {
      const res = await call('post', '/api/v1/groups', 'cid-abort', sa)
        .send({ name: 'Forbidden', account_id: await accountOf('models-co') })
        .expect(403);
      expect(res.body).toMatchObject({
        message: 'Groups may not be called Forbidden',
      });
      expect(await groupsNamed(await accountOf('models-co'), 'Forbidden')).toEqual([]);
      expect(await auditOf('cid-abort')).toEqual([]);
      // The watcher registered first saw the before event; no after event: nothing was committed.
      expect(firedFor('cid-abort')).toEqual([expect.stringMatching(/^model\.beforeCreate groups /)]);
      // Tagged with `groups`, the handler never sees another table's rows, whatever their name.
      await call('post', '/api/v1/admin/api-keys', 'cid-abort-other-table', sa).send({ name: 'Forbidden' }).expect(201);
      expect(firedFor('cid-abort-other-table')).toEqual([expect.stringMatching(/^model\.beforeCreate api_keys /), expect.stringMatching(/^model\.afterCreate api_keys /)]);
    } finally {
      off();
    }
  });

  it('a failing after-handler is logged and changes nothing in the answer', async () => {
    const off = core.hooks.on('model.afterCreate', () => {
      throw new Error('after handler broke');
    });
    const logged = jest.spyOn(core.logger, 'error');
    try {
      const res = await call('post', '/api/v1/groups', 'cid-after-throws', sa)
        .send({ name: 'Survivors', account_id: await accountOf('models-co') })
        .expect(201);
      expect(res.body).toMatchObject({ name: 'Survivors' });
      expect(firedFor('cid-after-throws')).toEqual(expectedFor([['CREATE', 'groups', res.body.id]]));
      expect((await auditOf('cid-after-throws')).length).toBeGreaterThan(0);
      expect(logged).toHaveBeenCalledWith('hook failed', expect.objectContaining({ request_id: 'cid-after-throws', event: 'model.afterCreate', phase: 'after' }));
    } finally {
      logged.mockRestore();
      off();
    }
  });

  it('collection records fire record events, never model events', async () => {
    const records: string[] = [];
    const off = core.hooks.onRecordAfterCreate('notes', (p) => void records.push(String(p.record['id'])));
    try {
      const rec = (await call('post', '/api/v1/records/notes', 'cid-record', sa).send({ title: 'hello' }).expect(201)).body;
      await call('patch', `/api/v1/records/notes/${rec.id}`, 'cid-record-update', sa).send({ title: 'again' }).expect(200);
      await call('delete', `/api/v1/records/notes/${rec.id}`, 'cid-record-delete', sa).expect(204);
      expect(records).toEqual([rec.id]);
      // Audited (so the audit path ran) on the collection's table, yet no model event.
      expect((await auditOf('cid-record')).map((e) => e.table_name)).toContain('col_notes');
      expect([...firedFor('cid-record'), ...firedFor('cid-record-update'), ...firedFor('cid-record-delete')]).toEqual([]);
    } finally {
      off();
    }
  });

  /** The groups of an account (with `name`, only those), read through the API as the superadmin. */
  async function groupsNamed(accountId: string, name?: string): Promise<Array<{ id: string; name: string }>> {
    const all = (await call('get', '/api/v1/groups?limit=100', 'cid-read', sa).expect(200)).body as Array<{ id: string; name: string; account_id: string }>;
    return all.filter((g) => g.account_id === accountId && (name === undefined || g.name === name));
  }

  async function accountOf(slug: string): Promise<string> {
    return (await core.db.kysely.selectFrom('accounts').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;
  }
});

describe.each(TEST_DIALECTS)('model events with audit logging off on %s', (dialect) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(dialect, {
      env: {
        SNACKBASE_AUDIT_LOGGING_ENABLED: 'false',
        SNACKBASE_SUPERADMIN_EMAIL: SA.email,
        SNACKBASE_SUPERADMIN_PASSWORD: SA.password,
      },
    });
  });
  afterAll(() => server?.close());

  it('still fires them (and aborts still abort), writing no audit entry', async () => {
    const fired = recordModelEvents(server.core);
    const reg = (
      await request(server.app)
        .post('/api/v1/auth/register')
        .set('X-Correlation-ID', 'cid-off')
        .send({
          email: 'o@off.test',
          password: PASSWORD,
          account_name: 'Off Co',
        })
        .expect(201)
    ).body;
    const ids = fired.filter((f) => f.rid === 'cid-off').map((f) => `${f.event} ${f.table} ${f.id}`);
    expect(ids).toEqual(expect.arrayContaining([...eventsOf('CREATE', 'accounts', reg.account.id), ...eventsOf('CREATE', 'users', reg.user.id)]));
    expect(ids).toHaveLength(8);
    server.core.hooks.on(
      'model.beforeCreate',
      () => {
        throw new HookAbortError(409, 'Registration closed');
      },
      { tags: ['accounts'] },
    );
    const refused = await request(server.app)
      .post('/api/v1/auth/register')
      .send({
        email: 'p@off.test',
        password: PASSWORD,
        account_name: 'Closed Co',
      })
      .expect(409);
    expect(refused.body).toMatchObject({ message: 'Registration closed' });
    expect(await server.core.db.kysely.selectFrom('accounts').select('id').where('name', '=', 'Closed Co').execute()).toEqual([]);
    await server.core.audit.flush();
    expect(await server.core.db.kysely.selectFrom('audit_log').select('id').execute()).toEqual([]);
  });
});
