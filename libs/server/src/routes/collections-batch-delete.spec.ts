import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { createSuperadmin, systemContext, type Core } from '@snackbase/core';
import { accountScope, dynamicTenantTable } from '@snackbase/tenancy';
import { TEST_DIALECTS } from '@snackbase/testing';
import { signIn, startTestServer, type TestServer } from '../test-support/test-server';
import { addVerifiedUser, insertTwoAccounts } from '../test-support/two-accounts';

/**
 * A batch delete is atomic, so a `restrict` reference from a row the same batch deletes must
 * not refuse it, whatever the order of the ids; a reference from a row outside the batch still
 * answers 409 and deletes nothing.
 */
jest.setTimeout(120_000);

const PASSWORD = 'Correct-Horse-9!';

describe.each(TEST_DIALECTS)('batch delete of referencing rows on %s', (dialect) => {
  let server: TestServer;
  let core: Core;
  let app: Express;
  let token = '';
  const A = { id: randomUUID(), code: 'AA0001' };
  const B = { id: randomUUID(), code: 'BB0001' };

  const batchDelete = (collection: string, ids: readonly string[]) =>
    request(app).delete(`/api/v1/records/${collection}/batch`).set('Authorization', `Bearer ${token}`).send({ ids });
  const post = async (collection: string, body: Record<string, unknown>) =>
    (await request(app).post(`/api/v1/records/${collection}`).set('Authorization', `Bearer ${token}`).send(body).expect(201)).body as { id: string };
  const ids = async (table: string) => (await dynamicTenantTable(core.db.kysely, accountScope(A.id), table).select().select('id').execute()).map((r) => String(r['id'])).sort();

  beforeAll(async () => {
    server = await startTestServer(dialect);
    ({ core, app } = server);
    await createSuperadmin(systemContext('test'), core, { email: 'root@example.com', password: PASSWORD });
    await insertTwoAccounts(core, { A, B });
    await addVerifiedUser(core, A.id, { id: randomUUID(), email: 'ann@acme.test', password: PASSWORD });
    token = await signIn(app, 'acme', 'ann@acme.test', PASSWORD);
    const sa = await signIn(app, 'system', 'root@example.com', PASSWORD);
    const open = { list_rule: '', view_rule: '', create_rule: '', update_rule: '', delete_rule: '' };
    const define = (body: Record<string, unknown>) => request(app).post('/api/v1/collections').set('Authorization', `Bearer ${sa}`).send({ ...body, ...open }).expect(201);
    await define({ name: 'folders', schema: [{ name: 'label', type: 'text' }, { name: 'parent', type: 'reference', collection: 'folders', on_delete: 'restrict' }] });
    await define({ name: 'pins', schema: [{ name: 'folder', type: 'reference', collection: 'folders', on_delete: 'restrict' }] });
  });
  afterAll(() => server?.close());

  it('deletes a parent listed before its restricting child, and a three-level chain in any order', async () => {
    const root = await post('folders', { label: 'root' });
    const mid = await post('folders', { label: 'mid', parent: root.id });
    const leaf = await post('folders', { label: 'leaf', parent: mid.id });
    const res = await batchDelete('folders', [root.id, leaf.id, mid.id]).expect(200);
    expect(res.body).toEqual({ deleted: [root.id, leaf.id, mid.id], count: 3 });
    expect(await ids('col_folders')).toEqual([]);
    await core.audit.flush();
    const audits = await core.db.kysely.selectFrom('audit_log').select('record_id').distinct().where('table_name', '=', 'col_folders').where('operation', '=', 'DELETE').execute();
    expect(audits.map((a) => a.record_id).sort()).toEqual([root.id, mid.id, leaf.id].sort());
  });

  it('still refuses with 409 when the restricting child is not in the batch, deleting nothing', async () => {
    const parent = await post('folders', { label: 'p' });
    const child = await post('folders', { label: 'c', parent: parent.id });
    const other = await post('folders', { label: 'o' });
    const refused = await batchDelete('folders', [other.id, parent.id]).expect(409);
    expect(refused.body).toMatchObject({ code: 'referenced_record', index: 1 });
    expect(await ids('col_folders')).toEqual([parent.id, child.id, other.id].sort());
    // A restricting row of another collection keeps refusing too.
    const pinned = await post('folders', { label: 'pinned' });
    await post('pins', { folder: pinned.id });
    await batchDelete('folders', [pinned.id]).expect(409);
    await batchDelete('folders', [child.id, parent.id, other.id]).expect(200);
    expect(await ids('col_folders')).toEqual([pinned.id]);
  });
});
