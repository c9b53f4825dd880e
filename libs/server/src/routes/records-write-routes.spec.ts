import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { AppError, createSuperadmin, SYSTEM_ACCOUNT_ID, systemContext, type Core } from '@snackbase/core';
import { HookAbortError } from '@snackbase/hooks';
import { allAccounts, dynamicTenantTable } from '@snackbase/tenancy';
import { TEST_DIALECTS } from '@snackbase/testing';
import { defineCollection } from '../test-support/collection-fixture';
import { signIn as signInAs, startTestServer, type TestServer } from '../test-support/test-server';
import { addVerifiedUser, insertTwoAccounts } from '../test-support/two-accounts';

const PASSWORD = 'Correct-Horse-9!';
type Caller = 'anonymous' | 'userA' | 'userA2' | 'userB' | 'superadmin';
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe.each(TEST_DIALECTS)('record write routes on %s', (dialect) => {
  let server: TestServer;
  let core: Core;
  let app: Express;
  const A = { id: randomUUID(), code: 'AA0001' };
  const B = { id: randomUUID(), code: 'BB0001' };
  const ids = { userA: randomUUID(), userA2: randomUUID(), userB: randomUUID() };
  const tokens: Partial<Record<Caller, string>> = {};

  function as(caller: Caller, method: Method, url: string) {
    const req = request(app)[method](url);
    const token = tokens[caller];
    return token ? req.set('Authorization', `Bearer ${token}`) : req;
  }
  /** Every stored row of a collection table, whatever its account (test-only view). */
  const rowOf = (table: string, id: string) =>
    dynamicTenantTable(core.db.kysely, allAccounts('spec reads every account'), table).select().selectAll().where('id', '=', id).executeTakeFirst();
  const countOf = async (table: string) => (await dynamicTenantTable(core.db.kysely, allAccounts('spec counts every account'), table).select().selectAll().execute()).length;
  const auditOf = async (table: string, recordId: string) => {
    await core.audit.flush();
    return core.db.kysely.selectFrom('audit_log').selectAll().where('table_name', '=', table).where('record_id', '=', recordId).orderBy('id').execute();
  };

  const post = async (caller: Caller, collection: string, body: object, status = 201) =>
    (await as(caller, 'post', `/api/v1/records/${collection}`).send(body).expect(status)).body as Record<string, unknown>;

  beforeAll(async () => {
    server = await startTestServer(dialect, { env: { SNACKBASE_BATCH_MAX_SIZE: '5' } });
    ({ core, app } = server);
    await createSuperadmin(systemContext('test'), core, { email: 'root@example.com', password: PASSWORD });
    await insertTwoAccounts(core, { A, B });
    await addVerifiedUser(core, A.id, { id: ids.userA, email: 'ann@acme.test', password: PASSWORD });
    await addVerifiedUser(core, A.id, { id: ids.userA2, email: 'amy@acme.test', password: PASSWORD });
    await addVerifiedUser(core, B.id, { id: ids.userB, email: 'bob@bolt.test', password: PASSWORD });
    tokens.userA = await signInAs(app, 'acme', 'ann@acme.test', PASSWORD);
    tokens.userA2 = await signInAs(app, 'acme', 'amy@acme.test', PASSWORD);
    tokens.userB = await signInAs(app, 'bolt', 'bob@bolt.test', PASSWORD);
    tokens.superadmin = await signInAs(app, 'system', 'root@example.com', PASSWORD);
    const open = { list_rule: '', view_rule: '', create_rule: '', update_rule: '', delete_rule: '' };
    await defineCollection(core, { name: 'pubs', fields: [{ name: 'title', type: 'text', required: true }], rules: open });
    await defineCollection(core, {
      name: 'wposts',
      fields: [
        { name: 'title', type: 'text', required: true },
        { name: 'status', type: 'text', default: 'draft' },
        { name: 'views', type: 'number' },
        { name: 'code', type: 'text', unique: true },
        { name: 'secret', type: 'text', pii: true, mask_type: 'email' },
        { name: 'at', type: 'datetime' },
        { name: 'flag', type: 'boolean' },
        { name: 'meta', type: 'json' },
        { name: 'doc', type: 'file' },
      ],
      rules: {
        list_rule: '',
        view_rule: '',
        create_rule: "@request.data.status = 'draft'",
        update_rule: "created_by = @request.auth.id && (@request.data.status IS NULL || @request.data.status != 'locked')",
        delete_rule: 'created_by = @request.auth.id',
        update_fields: '["title","status","views","code","at","flag","meta","doc"]',
      },
    });
    await defineCollection(core, { name: 'authors', fields: [{ name: 'name', type: 'text', required: true }], rules: open });
    await defineCollection(core, {
      name: 'books',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'author', type: 'reference', collection: 'authors', on_delete: 'restrict' },
      ],
      rules: open,
    });
    await defineCollection(core, { name: 'chapters', fields: [{ name: 'book', type: 'reference', collection: 'books', on_delete: 'cascade' }], rules: open });
    await defineCollection(core, { name: 'reviews', fields: [{ name: 'book', type: 'reference', collection: 'books', on_delete: 'set_null' }], rules: open });
    await defineCollection(core, { name: 'locked', fields: [{ name: 'title', type: 'text' }] });
    await defineCollection(core, { name: 'nodes', fields: [{ name: 'parent', type: 'reference', collection: 'nodes', on_delete: 'cascade' }], rules: open });
  }, 60_000);
  afterAll(() => server?.close());

  it('documents every write route in the OpenAPI document, batch before :id', async () => {
    const doc = (await request(app).get('/api/v1/openapi.json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/api/v1/records/{collection}/batch'] ?? {})).toEqual(expect.arrayContaining(['post', 'patch', 'delete']));
    expect(Object.keys(doc.paths['/api/v1/records/{collection}/{id}'] ?? {})).toEqual(expect.arrayContaining(['put', 'patch', 'delete']));
    expect(Object.keys(doc.paths['/api/v1/records/{collection}'] ?? {})).toContain('post');
  });

  describe('create', () => {
    it('lets an anonymous caller create in a public collection of the account named by X-Account-ID', async () => {
      const res = await as('anonymous', 'post', '/api/v1/records/pubs').set('X-Account-ID', 'acme').send({ title: 'hello' }).expect(201);
      expect(res.body).toEqual({ id: expect.any(String), account_id: A.id, title: 'hello', created_by: 'anonymous', updated_by: 'anonymous', created_at: expect.stringMatching(ISO), updated_at: expect.stringMatching(ISO) });
      expect(await rowOf('col_pubs', res.body.id)).toMatchObject({ account_id: A.id, title: 'hello' });
      const missing = await as('anonymous', 'post', '/api/v1/records/pubs').send({ title: 'x' }).expect(400);
      expect(missing.body.message).toBe('X-Account-ID header is required for unauthenticated requests');
      await as('anonymous', 'post', '/api/v1/records/pubs').set('X-Account-ID', 'nope').send({ title: 'x' }).expect(404);
      // A token wins over the header: user B writes into B, never into acme.
      const b = await as('userB', 'post', '/api/v1/records/pubs').set('X-Account-ID', 'acme').send({ title: 'bee' }).expect(201);
      expect(b.body.account_id).toBe(B.id);
    });

    it('validates and normalises the values (400 validation_failed with details)', async () => {
      const ok = await post('userA', 'wposts', { title: 'T', status: 'draft', at: '2024-01-01T12:00:00+02:00', flag: true, meta: { a: [1] }, doc: JSON.stringify({ filename: 'a.txt', size: 1, mime_type: 'text/plain', path: 'p/a.txt' }), secret: 'ann@acme.test' });
      expect(ok).toMatchObject({ title: 'T', status: 'draft', at: '2024-01-01T10:00:00.000Z', flag: true, meta: { a: [1] }, doc: { filename: 'a.txt', size: 1, mime_type: 'text/plain', path: 'p/a.txt' }, secret: 'a***@acme.test' });
      const bad = await post('userA', 'wposts', { status: 'draft', views: 'many', at: 'soon', nope: 1 }, 400);
      expect(bad).toMatchObject({ error: 'Validation error', message: 'Record validation failed', code: 'validation_failed' });
      expect(bad['details']).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ field: 'title', code: 'required_missing' }),
          expect.objectContaining({ field: 'views', code: 'invalid_type' }),
          expect.objectContaining({ field: 'at', code: 'invalid_datetime_format' }),
          expect.objectContaining({ field: 'nope', code: 'unknown_field' }),
        ]),
      );
      // The superadmin sees PII unmasked.
      expect((await post('superadmin', 'wposts', { title: 'S', status: 'draft', secret: 'x@y.io' }))['secret']).toBe('x@y.io');
    });

    it('checks the create rule against @request.data (403) and refuses locked collections and anonymous callers', async () => {
      const res = await post('userA', 'wposts', { title: 'T', status: 'published' }, 403);
      expect(res).toMatchObject({ code: 'forbidden', message: 'Record does not satisfy collection rules' });
      await post('userA', 'wposts', { title: 'T' }, 403); // the rule names the request data, not the default
      expect((await post('userA', 'locked', { title: 'x' }, 403))['message']).toBe('Access denied: create is locked for this collection');
      await as('anonymous', 'post', '/api/v1/records/wposts').set('X-Account-ID', 'acme').send({ title: 'T', status: 'draft' }).expect(401);
      await post('userA', 'nothing_here', { title: 'x' }, 404);
    });

    it('refuses system fields (mass assignment) with 422; a superadmin picks the account with account_id', async () => {
      for (const body of [{ account_id: B.id }, { created_by: ids.userB }, { id: 'mine' }, { created_at: '2020-01-01T00:00:00Z' }]) {
        const res = await post('userA', 'pubs', { title: 'x', ...body }, 422);
        expect(res).toMatchObject({ code: 'field_access_denied', field_type: 'system' });
      }
      expect((await post('superadmin', 'pubs', { title: 'for B', account_id: B.id }))['account_id']).toBe(B.id);
      expect((await post('superadmin', 'pubs', { title: 'for acme', account_id: 'acme' }))['account_id']).toBe(A.id);
      expect((await post('superadmin', 'pubs', { title: 'mine' }))['account_id']).toBe(SYSTEM_ACCOUNT_ID);
      await post('superadmin', 'pubs', { title: 'x', account_id: randomUUID() }, 400);
    });

    it('keeps unique values per account: the same value in A and B, twice in A is a 409 naming the field', async () => {
      await post('userA', 'wposts', { title: 'u', status: 'draft', code: 'X-1' });
      await post('userB', 'wposts', { title: 'u', status: 'draft', code: 'X-1' });
      const res = await post('userA2', 'wposts', { title: 'u', status: 'draft', code: 'X-1' }, 409);
      expect(res).toMatchObject({ code: 'unique_violation', field: 'code' });
      const other = await post('userA', 'wposts', { title: 'u', status: 'draft', code: 'X-2' });
      const patched = await as('userA', 'patch', `/api/v1/records/wposts/${String(other['id'])}`).send({ code: 'X-1' }).expect(409);
      expect(patched.body).toMatchObject({ code: 'unique_violation', field: 'code' });
      expect(await rowOf('col_wposts', String(other['id']))).toMatchObject({ code: 'X-2' });
      expect(JSON.stringify(res)).not.toMatch(/col_wposts|constraint|SELECT|INSERT/i);
    });

    it('checks references in the account of the record (400 invalid_reference across accounts)', async () => {
      const authorB = await post('userB', 'authors', { name: 'Bea' });
      const res = await post('userA', 'books', { title: 'x', author: authorB['id'] }, 400);
      expect(res['details']).toEqual([expect.objectContaining({ field: 'author', code: 'invalid_reference' })]);
      await post('userA', 'books', { title: 'x', author: randomUUID() }, 400);
      const authorA = await post('userA', 'authors', { name: 'Ann' });
      expect((await post('userA', 'books', { title: 'ok', author: authorA['id'] }))['author']).toBe(authorA['id']);
      // A superadmin writing into B checks B's authors.
      await post('superadmin', 'books', { title: 'sb', author: authorB['id'], account_id: B.id });
      await post('superadmin', 'books', { title: 'sb', author: authorA['id'], account_id: B.id }, 400);
    });

    it('runs before-create hooks: the draft is written, an abort is its 4xx and nothing is written', async () => {
      const off1 = core.hooks.onRecordBeforeCreate('pubs', (p) => {
        if (p.data['title'] === 'stop') throw new HookAbortError(409, 'Stopped by a hook');
        if (p.data['title'] === 'deny') throw new AppError(403, 'forbidden', 'Forbidden', 'Denied by a hook');
        return { ...p, data: { ...p.data, title: String(p.data['title']).toUpperCase() } };
      });
      const after: string[] = [];
      const off2 = core.hooks.onRecordAfterCreate('pubs', (p) => void after.push(String(p.record['title'])));
      try {
        const before = await countOf('col_pubs');
        expect((await post('userA', 'pubs', { title: 'stop' }, 409))['message']).toBe('Stopped by a hook');
        expect((await post('userA', 'pubs', { title: 'deny' }, 403))['message']).toBe('Denied by a hook');
        expect(await countOf('col_pubs')).toBe(before);
        expect((await post('userA', 'pubs', { title: 'loud' }))['title']).toBe('LOUD');
        expect(after).toEqual(['LOUD']);
      } finally {
        off1();
        off2();
      }
    });
  });

  describe('update and delete', () => {
    const newPost = async (caller: Caller = 'userA') => post(caller, 'wposts', { title: 'orig', status: 'draft', views: 1 });

    it('PATCH and PUT update the owner’s record; another user of the account gets 404 (update rule)', async () => {
      const p = await newPost();
      const patched = (await as('userA', 'patch', `/api/v1/records/wposts/${String(p['id'])}`).send({ views: 2 }).expect(200)).body;
      expect(patched).toMatchObject({ id: p['id'], title: 'orig', views: 2, status: 'draft', updated_by: ids.userA });
      expect(patched.updated_at).toMatch(ISO);
      // PUT: required fields needed, defaults re-applied.
      const put400 = await as('userA', 'put', `/api/v1/records/wposts/${String(p['id'])}`).send({ views: 3 }).expect(400);
      expect(put400.body.details).toEqual([expect.objectContaining({ field: 'title', code: 'required_missing' })]);
      await as('userA', 'patch', `/api/v1/records/wposts/${String(p['id'])}`).send({ status: 'review' }).expect(200);
      const put = (await as('userA', 'put', `/api/v1/records/wposts/${String(p['id'])}`).send({ title: 'new' }).expect(200)).body;
      expect(put).toMatchObject({ title: 'new', status: 'draft', views: 2 });
      await as('userA2', 'patch', `/api/v1/records/wposts/${String(p['id'])}`).send({ views: 9 }).expect(404);
      await as('userA2', 'delete', `/api/v1/records/wposts/${String(p['id'])}`).expect(404);
      expect(await rowOf('col_wposts', String(p['id']))).toMatchObject({ views: 2, title: 'new' });
    });

    it('evaluates @request.data.* in the update rule (a forbidden value is a 404, the row unchanged)', async () => {
      const p = await newPost();
      await as('userA', 'patch', `/api/v1/records/wposts/${String(p['id'])}`).send({ status: 'locked' }).expect(404);
      expect(await rowOf('col_wposts', String(p['id']))).toMatchObject({ status: 'draft' });
      await as('userA', 'patch', `/api/v1/records/wposts/${String(p['id'])}`).send({ status: 'open' }).expect(200);
    });

    it('refuses fields outside update_fields and system fields with 422', async () => {
      const p = await newPost();
      const res = await as('userA', 'patch', `/api/v1/records/wposts/${String(p['id'])}`).send({ secret: 'x@y.io' }).expect(422);
      expect(res.body).toMatchObject({ code: 'field_access_denied', field_type: 'restricted', unauthorized_fields: ['secret'] });
      for (const body of [{ account_id: B.id }, { created_by: ids.userA2 }]) {
        await as('userA', 'patch', `/api/v1/records/wposts/${String(p['id'])}`).send(body).expect(422);
      }
      expect(await rowOf('col_wposts', String(p['id']))).toMatchObject({ account_id: A.id, created_by: ids.userA });
    });

    it.each([
      ['patch', { views: 100 }],
      ['put', { title: 'hijack' }],
      ['delete', undefined],
    ] as const)('cross-account %s → 404 exactly like a missing id, the row unchanged', async (method, body) => {
      const p = await post('userA', 'pubs', { title: 'mine' });
      const url = `/api/v1/records/pubs/${String(p['id'])}`;
      const before = await rowOf('col_pubs', String(p['id']));
      const theirs = await (body ? as('userB', method, url).send(body) : as('userB', method, url)).expect(404);
      const missingUrl = `/api/v1/records/pubs/${randomUUID()}`;
      const missing = await (body ? as('userB', method, missingUrl).send(body) : as('userB', method, missingUrl)).expect(404);
      expect({ ...theirs.body, request_id: 0 }).toEqual({ ...missing.body, request_id: 0 });
      // Anonymous callers of the other account, too.
      await (body ? as('anonymous', method, url).set('X-Account-ID', 'bolt').send(body) : as('anonymous', method, url).set('X-Account-ID', 'bolt')).expect(404);
      expect(await rowOf('col_pubs', String(p['id']))).toEqual(before);
      // The public rule lets anonymous callers of the record's own account through.
      if (method === 'patch') {
        const own = await as('anonymous', 'patch', url).set('X-Account-ID', 'acme').send({ title: 'anon' }).expect(200);
        expect(own.body).toMatchObject({ title: 'anon', updated_by: 'anonymous', account_id: A.id });
      }
    });

    it('deletes the owner’s record (204, no body) with an audit entry', async () => {
      const p = await newPost();
      const res = await as('userA', 'delete', `/api/v1/records/wposts/${String(p['id'])}`).expect(204);
      expect(res.text).toBe('');
      expect(res.headers['content-type']).toBeUndefined();
      expect(await rowOf('col_wposts', String(p['id']))).toBeUndefined();
      const ops = (await auditOf('col_wposts', String(p['id']))).map((r) => r.operation);
      expect(new Set(ops)).toEqual(new Set(['CREATE', 'DELETE']));
    });

    it('lets a superadmin set a reference on a tenant record, checked in that record’s account', async () => {
      const authorB = await post('userB', 'authors', { name: 'B2' });
      const book = await post('userB', 'books', { title: 'b' });
      const res = await as('superadmin', 'patch', `/api/v1/records/books/${String(book['id'])}`).send({ author: authorB['id'] }).expect(200);
      expect(res.body).toMatchObject({ author: authorB['id'], account_id: B.id });
      const authorA = await post('userA', 'authors', { name: 'A2' });
      await as('superadmin', 'patch', `/api/v1/records/books/${String(book['id'])}`).send({ author: authorA['id'] }).expect(400);
    });
  });

  describe('on_delete', () => {
    it('restrict → 409 referenced_record, nothing deleted', async () => {
      const author = await post('userA', 'authors', { name: 'R' });
      await post('userA', 'books', { title: 'r', author: author['id'] });
      const res = await as('userA', 'delete', `/api/v1/records/authors/${String(author['id'])}`).expect(409);
      expect(res.body).toMatchObject({ code: 'referenced_record', message: 'Cannot delete record: it is referenced by other records' });
      expect(await rowOf('col_authors', String(author['id']))).toBeDefined();
    });

    it('cascade deletes and set_null nulls, each audited and announced after commit', async () => {
      const book = await post('userA', 'books', { title: 'c' });
      const ch1 = await post('userA', 'chapters', { book: book['id'] });
      const ch2 = await post('userA', 'chapters', { book: book['id'] });
      const review = await post('userA', 'reviews', { book: book['id'] });
      const deleted: string[] = [];
      const updated: string[] = [];
      const off1 = core.hooks.onRecordAfterDelete('*', (p) => void deleted.push(`${p.collection}:${String(p.record['id'])}`));
      const off2 = core.hooks.onRecordAfterUpdate('reviews', (p) => void updated.push(String(p.record['id'])));
      try {
        await as('userA', 'delete', `/api/v1/records/books/${String(book['id'])}`).expect(204);
      } finally {
        off1();
        off2();
      }
      expect(await rowOf('col_chapters', String(ch1['id']))).toBeUndefined();
      expect(await rowOf('col_chapters', String(ch2['id']))).toBeUndefined();
      expect(await rowOf('col_reviews', String(review['id']))).toMatchObject({ book: null });
      expect(deleted.sort()).toEqual([`books:${String(book['id'])}`, `chapters:${String(ch1['id'])}`, `chapters:${String(ch2['id'])}`].sort());
      expect(updated).toEqual([review['id']]);
      for (const ch of [ch1, ch2]) expect((await auditOf('col_chapters', String(ch['id']))).some((r) => r.operation === 'DELETE' && r.user_id === ids.userA)).toBe(true);
      expect(await auditOf('col_reviews', String(review['id']))).toEqual(expect.arrayContaining([expect.objectContaining({ operation: 'UPDATE', column_name: 'book', new_value: null })]));
    });
  });

  it('cascades through a self-reference (a tree) without looping', async () => {
    const root = await post('userA', 'nodes', {});
    const child = await post('userA', 'nodes', { parent: root['id'] });
    const grandchild = await post('userA', 'nodes', { parent: child['id'] });
    const otherTree = await post('userA', 'nodes', {});
    await as('userA', 'delete', `/api/v1/records/nodes/${String(root['id'])}`).expect(204);
    for (const n of [root, child, grandchild]) expect(await rowOf('col_nodes', String(n['id']))).toBeUndefined();
    expect(await rowOf('col_nodes', String(otherTree['id']))).toBeDefined();
    expect((await auditOf('col_nodes', String(grandchild['id']))).some((r) => r.operation === 'DELETE')).toBe(true);
  });

  it('deletes with cascades right after the collection cache was dropped (no read outside the transaction)', async () => {
    // On SQLite (one connection) a catalog reload inside the delete's transaction would wait forever.
    const root = await post('userA', 'nodes', {});
    await post('userA', 'nodes', { parent: root['id'] });
    const off = core.hooks.onRecordBeforeDelete('nodes', () => core.catalog.invalidate());
    try {
      await as('userA', 'delete', `/api/v1/records/nodes/${String(root['id'])}`).expect(204);
      await as('userA', 'delete', '/api/v1/records/nodes/batch').send({ ids: [(await post('userA', 'nodes', {}))['id']] }).expect(200);
    } finally {
      off();
    }
  }, 20_000);

  describe('update and delete hooks', () => {
    it('a before-update hook may change the draft; before-delete may abort (nothing deleted)', async () => {
      const p = await post('userA', 'pubs', { title: 'hooked' });
      const off1 = core.hooks.onRecordBeforeUpdate('pubs', (d) => ({ ...d, data: { ...d.data, title: `${String(d.data['title'])}!` } }));
      const off2 = core.hooks.onRecordBeforeDelete('pubs', () => {
        throw new HookAbortError(422, 'Kept by a hook');
      });
      const changes: unknown[] = [];
      const off3 = core.hooks.onRecordAfterUpdate('pubs', (d) => void changes.push(d.changes));
      try {
        const res = await as('userA', 'patch', `/api/v1/records/pubs/${String(p['id'])}`).send({ title: 'new' }).expect(200);
        expect(res.body.title).toBe('new!');
        expect(changes).toEqual([{ title: 'new!' }]);
        const del = await as('userA', 'delete', `/api/v1/records/pubs/${String(p['id'])}`).expect(422);
        expect(del.body.message).toBe('Kept by a hook');
        expect(await rowOf('col_pubs', String(p['id']))).toMatchObject({ title: 'new!' });
        const batch = await as('userA', 'delete', '/api/v1/records/pubs/batch').send({ ids: [p['id']] }).expect(422);
        expect(batch.body.index).toBe(0);
        expect(await rowOf('col_pubs', String(p['id']))).toBeDefined();
      } finally {
        off1();
        off2();
        off3();
      }
    });
  });

  describe('batch', () => {
    const url = '/api/v1/records/pubs/batch';

    it('creates all items in one go (201) or none when one fails (400 with index)', async () => {
      const res = await as('userA', 'post', url).send({ records: [{ title: 'b1' }, { title: 'b2' }] }).expect(201);
      expect(res.body.count).toBe(2);
      expect(res.body.created.map((r: { title: string; account_id: string }) => [r.title, r.account_id])).toEqual([
        ['b1', A.id],
        ['b2', A.id],
      ]);
      const before = await countOf('col_pubs');
      const bad = await as('userA', 'post', url).send({ records: [{ title: 'ok' }, { nope: 1 }] }).expect(400);
      expect(bad.body).toMatchObject({ code: 'validation_failed', index: 1 });
      expect(bad.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'nope', code: 'unknown_field' })]));
      const sys = await as('userA', 'post', url).send({ records: [{ title: 'ok' }, { title: 'x', account_id: B.id }] }).expect(422);
      expect(sys.body).toMatchObject({ code: 'field_access_denied', index: 1 });
      expect(await countOf('col_pubs')).toBe(before);
      const big = await as('userA', 'post', url).send({ records: Array.from({ length: 6 }, (_, i) => ({ title: `t${i}` })) }).expect(400);
      expect(big.body).toMatchObject({ code: 'batch_too_large', message: 'Batch size 6 exceeds maximum of 5' });
      await as('userA', 'post', url).send({ records: [] }).expect(422);
    });

    it('checks the create rule per item on its candidate row', async () => {
      const ok = await as('userA', 'post', '/api/v1/records/wposts/batch').send({ records: [{ title: 'a', status: 'draft' }, { title: 'b', status: 'draft' }] }).expect(201);
      expect(ok.body.count).toBe(2);
      const res = await as('userA', 'post', '/api/v1/records/wposts/batch').send({ records: [{ title: 'a', status: 'draft' }, { title: 'b', status: 'live' }] }).expect(403);
      expect(res.body).toMatchObject({ code: 'forbidden', index: 1 });
      const locked = await as('userA', 'post', '/api/v1/records/locked/batch').send({ records: [{ title: 'x' }] }).expect(403);
      expect(locked.body).toMatchObject({ message: 'Access denied: create is locked for this collection' });
      expect(locked.body.index).toBeUndefined();
      await as('anonymous', 'post', '/api/v1/records/wposts/batch').set('X-Account-ID', 'acme').send({ records: [{ title: 'a', status: 'draft' }] }).expect(401);
      const dup = await as('userA', 'post', '/api/v1/records/wposts/batch').send({ records: [{ title: 'a', status: 'draft', code: 'D' }, { title: 'b', status: 'draft', code: 'D' }] }).expect(409);
      expect(dup.body).toMatchObject({ code: 'unique_violation', field: 'code', index: 1 });
    });

    it('updates all or nothing: an id of another account or hidden by the rule is a 404 with its index', async () => {
      const a1 = await post('userA', 'pubs', { title: 'a1' });
      const a2 = await post('userA', 'pubs', { title: 'a2' });
      const b1 = await post('userB', 'pubs', { title: 'b1' });
      const res = await as('userA', 'patch', url).send({ records: [{ id: a1['id'], data: { title: 'A1' } }, { id: a2['id'], data: { title: 'A2' } }] }).expect(200);
      expect(res.body).toMatchObject({ count: 2, updated: [{ title: 'A1' }, { title: 'A2' }] });
      const cross = await as('userA', 'patch', url).send({ records: [{ id: a1['id'], data: { title: 'X' } }, { id: b1['id'], data: { title: 'X' } }] }).expect(404);
      expect(cross.body).toMatchObject({ code: 'not_found', index: 1 });
      expect(await rowOf('col_pubs', String(a1['id']))).toMatchObject({ title: 'A1' });
      expect(await rowOf('col_pubs', String(b1['id']))).toMatchObject({ title: 'b1' });
      // The update rule per item: userA2 does not own userA's post.
      const mine = await post('userA2', 'wposts', { title: 'm', status: 'draft' });
      const theirs = await post('userA', 'wposts', { title: 't', status: 'draft' });
      const hidden = await as('userA2', 'patch', '/api/v1/records/wposts/batch').send({ records: [{ id: mine['id'], data: { views: 5 } }, { id: theirs['id'], data: { views: 5 } }] }).expect(404);
      expect(hidden.body.index).toBe(1);
      expect(await rowOf('col_wposts', String(mine['id']))).toMatchObject({ views: null });
      // References are checked in batch updates too.
      const bad = await as('userA', 'patch', '/api/v1/records/books/batch').send({ records: [{ id: (await post('userA', 'books', { title: 'q' }))['id'], data: { author: randomUUID() } }] }).expect(400);
      expect(bad.body).toMatchObject({ index: 0, details: [expect.objectContaining({ code: 'invalid_reference' })] });
    });

    it('deletes all or nothing with the ids in a JSON body', async () => {
      const a1 = await post('userA', 'pubs', { title: 'd1' });
      const a2 = await post('userA', 'pubs', { title: 'd2' });
      const b1 = await post('userB', 'pubs', { title: 'd3' });
      const cross = await as('userA', 'delete', url).send({ ids: [a1['id'], b1['id']] }).expect(404);
      expect(cross.body.index).toBe(1);
      expect(await rowOf('col_pubs', String(a1['id']))).toBeDefined();
      const res = await as('userA', 'delete', url).send({ ids: [a1['id'], a2['id']] }).expect(200);
      expect(res.body).toEqual({ deleted: [a1['id'], a2['id']], count: 2 });
      expect(await rowOf('col_pubs', String(a1['id']))).toBeUndefined();
      expect(await rowOf('col_pubs', String(b1['id']))).toBeDefined();
    });
  });

  describe('concurrency', () => {
    it('100 concurrent PATCHes of one record all succeed and leave a consistent row', async () => {
      const p = await post('userA', 'pubs', { title: 'n-0' });
      const url = `/api/v1/records/pubs/${String(p['id'])}`;
      const results = await Promise.all(Array.from({ length: 100 }, (_, i) => as('userA', 'patch', url).send({ title: `n-${i + 1}` })));
      expect(results.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
      const row = await rowOf('col_pubs', String(p['id']));
      expect(results.map((r) => r.body.title)).toContain(row?.['title']);
      const updates = (await auditOf('col_pubs', String(p['id']))).filter((r) => r.operation === 'UPDATE' && r.column_name === 'title');
      expect(updates).toHaveLength(100);
      // The chain of title changes is one line: each update saw the previous one's value.
      const olds = new Set(updates.map((u) => u.old_value));
      expect(olds.size).toBe(100);
    }, 60_000);

    it('a batch delete racing single deletes deletes every row exactly once, never a 500', async () => {
      const rows = await Promise.all(Array.from({ length: 5 }, (_, i) => post('userA', 'pubs', { title: `r${i}` })));
      const ids5 = rows.map((r) => String(r['id']));
      const results = await Promise.all([
        as('userA', 'delete', '/api/v1/records/pubs/batch').send({ ids: ids5 }),
        ...ids5.map((id) => as('userA', 'delete', `/api/v1/records/pubs/${id}`)),
        as('userA', 'delete', '/api/v1/records/pubs/batch').send({ ids: ids5.slice(0, 2) }),
      ]);
      for (const r of results) expect([200, 204, 404]).toContain(r.status);
      for (const id of ids5) {
        expect(await rowOf('col_pubs', id)).toBeUndefined();
        const deletes = (await auditOf('col_pubs', id)).filter((r) => r.operation === 'DELETE' && r.column_name === 'id');
        expect(deletes).toHaveLength(1);
      }
    }, 60_000);
  });
});
