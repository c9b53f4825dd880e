import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { createSuperadmin, systemContext, type Core } from '@snackbase/core';
import { HookAbortError } from '@snackbase/hooks';
import { accountScope, allAccounts, tenantTable } from '@snackbase/tenancy';
import { TEST_DIALECTS } from '@snackbase/testing';
import { signIn, startTestServer, type TestServer } from '../test-support/test-server';
import { addVerifiedUser, insertTwoAccounts } from '../test-support/two-accounts';

/**
 * What a collection leaves behind and who hears of its changes: deleting a collection removes
 * (audited, in its transaction) the webhooks and API hooks bound to it, and the preview names
 * them; `PUT /collections/{name}/rules` fires `collection.beforeUpdate` / `afterUpdate`.
 */
jest.setTimeout(120_000);

const PASSWORD = 'Correct-Horse-9!';
type Method = 'get' | 'post' | 'put' | 'delete';
type Body = Record<string, unknown>;
const EVERY = allAccounts('test reads every account');

describe.each(TEST_DIALECTS)('collection cleanup and rules hooks on %s', (dialect) => {
  let server: TestServer;
  let core: Core;
  let app: Express;
  const A = { id: randomUUID(), code: 'AA0001' };
  const B = { id: randomUUID(), code: 'BB0001' };
  const tokens: Record<string, string> = {};

  const as = (who: string, method: Method, url: string) => request(app)[method](url).set('Authorization', `Bearer ${tokens[who]}`);
  const sa = (method: Method, url: string) => as('superadmin', method, url);
  const create = async (name: string) => (await sa('post', '/api/v1/collections').send({ name, schema: [{ name: 'title', type: 'text' }] }).expect(201)).body as { id: string };
  const webhook = async (who: string, collection: string) =>
    (await as(who, 'post', '/api/v1/webhooks').send({ url: 'http://127.0.0.1:9/hook', collection, events: ['create'] }).expect(201)).body as { id: string };
  const hook = async (who: string, name: string, collection: string | null) =>
    (await as(who, 'post', '/api/v1/hooks').send({ name, trigger: { type: 'event', event: 'records.create', collection }, actions: [] }).expect(201)).body as { id: string };
  const ids = async (table: 'webhooks' | 'hooks') => (await tenantTable(core.db.kysely, EVERY, table).select().select('id').orderBy('id').execute()).map((r) => r.id);
  const audited = async (table: string, recordId: string) => {
    await core.audit.flush();
    return (await core.db.kysely.selectFrom('audit_log').select('operation').where('table_name', '=', table).where('record_id', '=', recordId).execute()).map((r) => r.operation);
  };

  beforeAll(async () => {
    server = await startTestServer(dialect, { env: { SNACKBASE_OUTBOUND_ALLOW_PRIVATE: '127.0.0.1/32' } });
    ({ core, app } = server);
    await createSuperadmin(systemContext('test'), core, { email: 'root@example.com', password: PASSWORD });
    await insertTwoAccounts(core, { A, B });
    await addVerifiedUser(core, A.id, { id: randomUUID(), email: 'adm@acme.test', password: PASSWORD, roleId: 1 });
    await addVerifiedUser(core, B.id, { id: randomUUID(), email: 'bob@bolt.test', password: PASSWORD, roleId: 1 });
    tokens['adminA'] = await signIn(app, 'acme', 'adm@acme.test', PASSWORD);
    tokens['adminB'] = await signIn(app, 'bolt', 'bob@bolt.test', PASSWORD);
    tokens['superadmin'] = await signIn(app, 'system', 'root@example.com', PASSWORD);
  });
  afterAll(() => server?.close());

  describe('deleting a collection', () => {
    it('previews, then removes with audit, the webhooks and hooks of every account bound to it, and nothing else', async () => {
      const orders = await create('orders');
      await create('invoices');
      const whA = await webhook('adminA', 'orders');
      const whB = await webhook('adminB', 'Orders'); // names ignore case
      const whOther = await webhook('adminA', 'invoices');
      const hookA = await hook('adminA', 'on orders', 'orders');
      const hookAll = await hook('adminA', 'on any collection', null);
      const hookOther = await hook('adminB', 'on invoices', 'invoices');
      await tenantTable(core.db.kysely, accountScope(A.id), 'webhook_deliveries')
        .insert({ id: randomUUID(), webhook_id: whA.id, event: 'record.create', payload: '{}', status: 'delivered' })
        .execute();

      const preview = (await sa('get', `/api/v1/collections/${orders.id}/deletion-preview`).expect(200)).body;
      expect(preview.webhooks).toEqual(
        expect.arrayContaining([
          { id: whA.id, account_id: A.id, label: 'http://127.0.0.1:9/hook' },
          { id: whB.id, account_id: B.id, label: 'http://127.0.0.1:9/hook' },
        ]),
      );
      expect(preview.webhooks).toHaveLength(2);
      expect(preview.hooks).toEqual([{ id: hookA.id, account_id: A.id, label: 'on orders' }]);

      const deleted = (await sa('delete', `/api/v1/collections/${orders.id}`).expect(200)).body;
      expect(deleted).toMatchObject({ collection_name: 'orders', webhooks_deleted: 2, hooks_deleted: 1 });
      expect(await ids('webhooks')).toEqual([whOther.id]);
      expect((await ids('hooks')).sort()).toEqual([hookAll.id, hookOther.id].sort());
      expect(await tenantTable(core.db.kysely, EVERY, 'webhook_deliveries').select().selectAll().execute()).toEqual([]);
      for (const id of [whA.id, whB.id]) expect(await audited('webhooks', id)).toContain('DELETE');
      expect(await audited('hooks', hookA.id)).toContain('DELETE');
      // A new collection of the old name starts without the old era's webhooks.
      await create('orders');
      const again = await sa('get', '/api/v1/collections?search=orders').expect(200);
      expect((await sa('get', `/api/v1/collections/${again.body.items[0].id}/deletion-preview`).expect(200)).body).toMatchObject({ webhooks: [], hooks: [] });
    });

    it('keeps the webhooks and hooks when the delete is refused', async () => {
      const parents = await create('parents');
      await sa('post', '/api/v1/collections')
        .send({ name: 'kids', schema: [{ name: 'parent', type: 'reference', collection: 'parents', on_delete: 'cascade' }] })
        .expect(201);
      const wh = await webhook('adminA', 'parents');
      const h = await hook('adminB', 'on parents', 'parents');
      await sa('delete', `/api/v1/collections/${parents.id}`).expect(409);
      expect(await ids('webhooks')).toContain(wh.id);
      expect(await ids('hooks')).toContain(h.id);
      expect(await audited('webhooks', wh.id)).not.toContain('DELETE');
    });
  });

  describe('PUT /collections/{name}/rules', () => {
    it('fires collection.beforeUpdate and, once committed, afterUpdate with the new and the old rules', async () => {
      await create('notes');
      const events: Body[] = [];
      const offBefore = core.hooks.on('collection.beforeUpdate', (p) => void events.push({ at: 'before', collection: p.collection, rules: p.definition['rules'], previous: p.previous['rules'] }));
      const offAfter = core.hooks.on('collection.afterUpdate', (p) => void events.push({ at: 'after', collection: p.collection, rules: p.definition['rules'], previous: p.previous['rules'] }));
      try {
        await sa('put', '/api/v1/collections/notes/rules').send({ list_rule: '', view_fields: '["title"]' }).expect(200);
      } finally {
        offBefore();
        offAfter();
      }
      expect(events.map((e) => e['at'])).toEqual(['before', 'after']);
      for (const e of events) {
        expect(e).toMatchObject({ collection: 'notes', rules: { list_rule: '', view_fields: '["title"]', view_rule: null }, previous: { list_rule: null, view_fields: '*' } });
      }
    });

    it('lets a before-hook refuse (its 4xx, nothing written, no after-hook) or change the rules', async () => {
      await create('memos');
      const after: string[] = [];
      const offBefore = core.hooks.on('collection.beforeUpdate', (p) => {
        const rules = p.definition['rules'] as Body;
        if (rules['delete_rule'] === '') throw new HookAbortError(403, 'Public deletes are not allowed');
        // A hook may tighten what it was shown.
        if (rules['list_rule'] === '') p.definition['rules'] = { ...rules, list_rule: '@request.auth.id != ""' };
      });
      const offAfter = core.hooks.on('collection.afterUpdate', (p) => void after.push(p.collection));
      try {
        const refused = await sa('put', '/api/v1/collections/memos/rules').send({ delete_rule: '', view_rule: '' }).expect(403);
        expect(refused.body.message).toBe('Public deletes are not allowed');
        expect((await sa('get', '/api/v1/collections/memos/rules').expect(200)).body).toMatchObject({ delete_rule: null, view_rule: null });
        expect(after).toEqual([]);
        const changed = await sa('put', '/api/v1/collections/memos/rules').send({ list_rule: '' }).expect(200);
        expect(changed.body.list_rule).toBe('@request.auth.id != ""');
        expect(after).toEqual(['memos']);
      } finally {
        offBefore();
        offAfter();
      }
    });
  });
});
