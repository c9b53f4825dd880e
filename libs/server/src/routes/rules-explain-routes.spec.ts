import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { createSuperadmin, systemContext, type Core } from '@snackbase/core';
import { accountScope, dynamicTenantTable } from '@snackbase/tenancy';
import { TEST_DIALECTS } from '@snackbase/testing';
import { defineCollection } from '../test-support/collection-fixture';
import { signIn, startTestServer, type TestServer } from '../test-support/test-server';
import { addVerifiedUser, insertTwoAccounts } from '../test-support/two-accounts';

jest.setTimeout(120_000);
const PASSWORD = 'Correct-Horse-9!';

describe.each(TEST_DIALECTS)('POST /collections/:name/rules/explain on %s', (dialect) => {
  let server: TestServer;
  let core: Core;
  let app: Express;
  let root: string;
  let userToken: string;
  const A = { id: randomUUID(), code: 'AA0001' };
  const B = { id: randomUUID(), code: 'BB0001' };
  const ann = randomUUID();
  const bob = randomUUID();
  const rows = { annA: randomUUID(), otherA: randomUUID(), bobB: randomUUID() };

  const explain = (body: object, token = root, name = 'posts') =>
    request(app).post(`/api/v1/collections/${name}/rules/explain`).set('Authorization', `Bearer ${token}`).send(body);

  beforeAll(async () => {
    server = await startTestServer(dialect);
    ({ core, app } = server);
    await createSuperadmin(systemContext('test'), core, { email: 'root@example.com', password: PASSWORD });
    await insertTwoAccounts(core, { A, B });
    await addVerifiedUser(core, A.id, { id: ann, email: 'ann@acme.test', password: PASSWORD });
    await addVerifiedUser(core, B.id, { id: bob, email: 'bob@bolt.test', password: PASSWORD });
    await defineCollection(core, {
      name: 'posts',
      fields: [{ name: 'title', type: 'text' }, { name: 'secret', type: 'text' }, { name: 'email', type: 'email', pii: true }],
      rules: { list_rule: 'created_by = @request.auth.id', view_rule: '', list_fields: '["title","email"]' },
    });
    const put = (accountId: string, id: string, by: string) =>
      dynamicTenantTable(core.db.kysely, accountScope(accountId), 'col_posts').insert({ id, title: id, created_by: by, updated_by: by }).execute();
    await put(A.id, rows.annA, ann);
    await put(A.id, rows.otherA, 'someone-else');
    await put(B.id, rows.bobB, bob);
    root = await signIn(app, 'system', 'root@example.com', PASSWORD);
    userToken = await signIn(app, 'acme', 'ann@acme.test', PASSWORD);
  });
  afterAll(() => server?.close());

  it('is for superadmins only', async () => {
    await explain({ operation: 'list', user_id: ann, account_id: A.id }, userToken).expect(403);
    await request(app).post('/api/v1/collections/posts/rules/explain').send({ operation: 'list', account_id: A.id }).expect(401);
  });

  it('shows the rule, its SQL and parameters, and the fields the user cannot see', async () => {
    const res = await explain({ operation: 'list', user_id: ann, account_id: A.id }).expect(200);
    expect(res.body).toMatchObject({ operation: 'list', decided_by: 'rule', rule: 'created_by = @request.auth.id', allowed: true, hidden_fields: ['secret'], masked_fields: ['email'] });
    expect(res.body.sql).toContain('created_by');
    expect(res.body.sql).toContain('account_id');
    expect(res.body.parameters).toEqual(expect.arrayContaining([A.id, ann]));
  });

  it('tells whether one record passes, in that account only', async () => {
    expect((await explain({ operation: 'list', user_id: ann, account_id: A.id, record_id: rows.annA }).expect(200)).body.allowed).toBe(true);
    expect((await explain({ operation: 'list', user_id: ann, account_id: A.id, record_id: rows.otherA }).expect(200)).body.allowed).toBe(false);
    expect((await explain({ operation: 'list', user_id: ann, account_id: A.id, record_id: rows.bobB }).expect(200)).body.allowed).toBe(false);
    expect((await explain({ operation: 'view', user_id: ann, account_id: A.id, record_id: rows.otherA }).expect(200)).body).toMatchObject({ decided_by: 'public', allowed: true });
    const filtered = await explain({ operation: 'list', user_id: ann, account_id: A.id, record_id: rows.annA, filter: 'title = "nope"' }).expect(200);
    expect(filtered.body.allowed).toBe(false);
  });

  it('explains locked operations, anonymous callers and superadmins', async () => {
    expect((await explain({ operation: 'delete', user_id: ann, account_id: A.id }).expect(200)).body).toMatchObject({ decided_by: 'locked', allowed: false, sql: null });
    expect((await explain({ operation: 'list', user_id: null, account_id: A.id }).expect(200)).body).toMatchObject({ decided_by: 'rule', allowed: false });
  });

  it('answers 404 for unknown collections, accounts and users, 400 for a bad filter, 422 for a bad body', async () => {
    await explain({ operation: 'list', user_id: ann, account_id: A.id }, root, 'nope').expect(404);
    await explain({ operation: 'list', user_id: ann, account_id: randomUUID() }).expect(404);
    await explain({ operation: 'list', user_id: bob, account_id: A.id }).expect(404);
    expect((await explain({ operation: 'list', user_id: ann, account_id: A.id, filter: 'secret = "x"' }).expect(400)).body.code).toBe('invalid_filter');
    await explain({ operation: 'drop', account_id: A.id }).expect(422);
  });
});
