import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { createSuperadmin, systemContext, type Core } from '@snackbase/core';
import { accountScope, allAccounts, dynamicTenantTable } from '@snackbase/tenancy';
import { TEST_DIALECTS } from '@snackbase/testing';
import { signIn, startTestServer, type TestServer } from '../test-support/test-server';
import { addVerifiedUser, insertTwoAccounts } from '../test-support/two-accounts';

// Seven engineers share two cores: start-up (migrations, argon2) can take far longer than 5 s.
jest.setTimeout(180_000);

const PASSWORD = 'Correct-Horse-9!';
type Body = Record<string, unknown>;
type Caller = 'anonymous' | 'userA' | 'superadmin';

/** One running server with a superadmin, accounts A and B and a user of A. */
interface Site {
  server: TestServer;
  core: Core;
  app: Express;
  tokens: Partial<Record<Caller, string>>;
}

async function startSite(dialect: 'sqlite' | 'postgres', accounts: { A: { id: string; code: string }; B: { id: string; code: string } }): Promise<Site> {
  const server = await startTestServer(dialect);
  const { core, app } = server;
  await createSuperadmin(systemContext('test'), core, { email: 'root@example.com', password: PASSWORD });
  await insertTwoAccounts(core, accounts);
  await addVerifiedUser(core, accounts.A.id, { id: randomUUID(), email: 'ann@acme.test', password: PASSWORD });
  return {
    server,
    core,
    app,
    tokens: { userA: await signIn(app, 'acme', 'ann@acme.test', PASSWORD), superadmin: await signIn(app, 'system', 'root@example.com', PASSWORD) },
  };
}

function as(site: Site, caller: Caller, method: 'get' | 'post', url: string) {
  const req = request(site.app)[method](url);
  const token = site.tokens[caller];
  return token ? req.set('Authorization', `Bearer ${token}`) : req;
}
const sa = (site: Site, method: 'get' | 'post', url: string) => as(site, 'superadmin', method, url);
const collectionNames = async (site: Site) => (await site.core.catalog.all()).map((c) => c.name).sort();
const rowsOf = (site: Site, table: string) =>
  dynamicTenantTable(site.core.db.kysely, allAccounts('test reads every account'), table).select().selectAll().orderBy('id').execute() as Promise<Body[]>;

describe.each(TEST_DIALECTS)('collections export/import routes on %s', (dialect) => {
  const A = { id: randomUUID(), code: 'AA0001' };
  const B = { id: randomUUID(), code: 'BB0001' };
  // The target database has account A (same id) but not B: B's rows must be reported, not inserted.
  const C = { id: randomUUID(), code: 'CC0001' };
  let source: Site;
  let target: Site;
  let authorsId: string;
  const authorA = randomUUID();
  const postA = randomUUID();
  const postB = randomUUID();

  const authorsDef = {
    name: 'authors',
    schema: [{ name: 'name', type: 'text', required: true }, { name: 'meta', type: 'json' }, { name: 'active', type: 'boolean' }],
    list_rule: '',
    view_rule: 'created_by = @request.auth.id',
    create_rule: null,
    update_rule: null,
    delete_rule: null,
  };
  const postsDef = {
    name: 'posts',
    schema: [
      { name: 'title', type: 'text', required: true },
      { name: 'author', type: 'reference', collection: 'authors', on_delete: 'cascade' },
    ],
    list_rule: '',
    view_rule: '',
    create_rule: '',
  };

  beforeAll(async () => {
    source = await startSite(dialect, { A, B });
    target = await startSite(dialect, { A, B: C });
    // posts first in the file order of creation is impossible (it references authors), so the
    // export (sorted by name) lists authors before posts; the import sorts by references anyway.
    authorsId = (await sa(source, 'post', '/api/v1/collections').send(authorsDef).expect(201)).body.id;
    await sa(source, 'post', '/api/v1/collections').send(postsDef).expect(201);
    const insert = (accountId: string, table: string, values: Body) =>
      dynamicTenantTable(source.core.db.kysely, accountScope(accountId), table)
        .insert({ created_by: 'u1', updated_by: 'u1', ...values })
        .execute();
    await insert(A.id, 'col_authors', { id: authorA, name: 'Ann', meta: JSON.stringify({ tags: ['x', 'y'] }), active: dialect === 'sqlite' ? 1 : true });
    await insert(A.id, 'col_posts', { id: postA, title: 'Hello', author: authorA });
    await insert(B.id, 'col_posts', { id: postB, title: 'From B', author: null });
  });
  afterAll(async () => {
    await source?.server.close();
    await target?.server.close();
  });

  describe('superadmin only', () => {
    it.each([
      ['anonymous', 401, 'unauthorized'],
      ['userA', 403, 'forbidden'],
    ] as const)('as %s: export and import are refused (%i) and nothing is imported', async (caller, status, code) => {
      const exp = await as(source, caller, 'get', '/api/v1/collections/export?include_records=true');
      expect(exp.status).toBe(status);
      expect(exp.body.code).toBe(code);
      expect(JSON.stringify(exp.body)).not.toContain('Hello');
      const file = { version: '1.0', collections: [{ name: 'sneaky', schema: [{ name: 'a', type: 'text' }] }] };
      const imp = await as(target, caller, 'post', '/api/v1/collections/import').send({ data: file, strategy: 'update' });
      expect(imp.status).toBe(status);
      expect(await collectionNames(target)).not.toContain('sneaky');
    });
  });

  describe('export', () => {
    it('is the §3.7 file, as an attachment, with schemas and rules', async () => {
      const res = await sa(source, 'get', '/api/v1/collections/export').expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename=collections_export_\d{8}_\d{6}\.json$/);
      // Pretty with a 2-space indent, and one JSON document.
      expect(res.text.startsWith('{\n  "version": "1.0",\n')).toBe(true);
      const file = JSON.parse(res.text);
      expect(file).toMatchObject({ version: '1.0', exported_by: 'root@example.com' });
      expect(new Date(file.exported_at).toISOString()).toBe(file.exported_at);
      expect(file.collections.map((c: Body) => c['name'])).toEqual(['authors', 'posts']);
      expect(file.collections[0].rules).toEqual({
        list_rule: '',
        view_rule: 'created_by = @request.auth.id',
        create_rule: null,
        update_rule: null,
        delete_rule: null,
        list_fields: '*',
        view_fields: '*',
        create_fields: '*',
        update_fields: '*',
      });
      expect(file.collections[1].schema[1]).toMatchObject({ name: 'author', type: 'reference', collection: 'authors', on_delete: 'cascade' });
      expect(file.collections[0].records).toBeUndefined();
    });

    it('with include_records=true carries every account’s rows with all system fields, decoded', async () => {
      const file = JSON.parse((await sa(source, 'get', '/api/v1/collections/export?include_records=true').expect(200)).text);
      const [authors, posts] = file.collections;
      expect(authors.records).toEqual([
        expect.objectContaining({ id: authorA, account_id: A.id, created_by: 'u1', updated_by: 'u1', name: 'Ann', meta: { tags: ['x', 'y'] }, active: true }),
      ]);
      expect(Object.keys(authors.records[0]).slice(0, 6)).toEqual(['id', 'account_id', 'created_at', 'created_by', 'updated_at', 'updated_by']);
      expect(typeof authors.records[0].created_at).toBe('string');
      expect(posts.records).toHaveLength(2);
      expect(posts.records.map((r: Body) => r['account_id']).sort()).toEqual([A.id, B.id].sort());
    });

    it('collection_ids picks collections; unknown ids are skipped', async () => {
      const file = JSON.parse((await sa(source, 'get', `/api/v1/collections/export?collection_ids=${authorsId},${randomUUID()}`).expect(200)).text);
      expect(file.collections.map((c: Body) => c['name'])).toEqual(['authors']);
      const none = JSON.parse((await sa(source, 'get', `/api/v1/collections/export?collection_ids=${randomUUID()}`).expect(200)).text);
      expect(none.collections).toEqual([]);
    });

    it('streams many records page by page into one valid document', async () => {
      const rows = Array.from({ length: 1203 }, (_, i) => ({ id: randomUUID(), created_by: 'bulk', updated_by: 'bulk', name: `n${i}` }));
      const t = dynamicTenantTable(source.core.db.kysely, accountScope(B.id), 'col_authors');
      for (let i = 0; i < rows.length; i += 200) await t.insert(rows.slice(i, i + 200)).execute();
      try {
        const file = JSON.parse((await sa(source, 'get', `/api/v1/collections/export?collection_ids=${authorsId}&include_records=true`).expect(200)).text);
        const ids = file.collections[0].records.map((r: Body) => r['id']);
        expect(ids).toHaveLength(1204);
        expect(new Set(ids).size).toBe(1204);
      } finally {
        await t.delete().where('created_by', '=', 'bulk').execute();
      }
    });

    it('refuses a malformed query with 422', async () => {
      const res = await sa(source, 'get', '/api/v1/collections/export?include_records=maybe');
      expect(res.status).toBe(422);
    });
  });

  describe('import', () => {
    let file: Body;
    beforeAll(async () => {
      file = JSON.parse((await sa(source, 'get', '/api/v1/collections/export?include_records=true').expect(200)).text);
    });

    it('refuses a version it does not read, importing nothing', async () => {
      const res = await sa(target, 'post', '/api/v1/collections/import').send({ data: { ...file, version: '2.0' }, strategy: 'skip' });
      expect(res.status).toBe(400);
      expect(res.body.message).toBe('Unsupported export version: 2.0');
      expect(await collectionNames(target)).toEqual([]);
    });

    it('error strategy: a collection that cannot be created undoes the whole import', async () => {
      const bad = { version: '1.0', collections: [...(file['collections'] as Body[]), { name: 'broken', schema: [{ name: 'x', type: 'no_such_type' }] }] };
      const res = await sa(target, 'post', '/api/v1/collections/import').send({ data: bad, strategy: 'error' });
      expect(res.status).toBe(400);
      expect(res.body.message).toContain("Collection 'broken'");
      expect(JSON.stringify(res.body)).not.toMatch(/select|insert|create table/i);
      expect(await collectionNames(target)).toEqual([]);
      const tables = await target.core.db.kysely.introspection.getTables();
      expect(tables.map((t) => t.name)).not.toContain('col_authors');
    });

    it('error strategy: records that cannot be inserted undo the collections too', async () => {
      const authors = (file['collections'] as Body[])[0] as Body;
      const row = (authors['records'] as Body[])[0] as Body;
      const dup = { version: '1.0', collections: [{ ...authors, records: [row, { ...row }] }] };
      const res = await sa(target, 'post', '/api/v1/collections/import').send({ data: dup });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(JSON.stringify(res.body)).not.toMatch(/insert into|duplicate key|constraint failed/i);
      expect(await collectionNames(target)).toEqual([]);
    });

    it('round trip: schemas, rules and records land in a fresh database, references first, ids kept', async () => {
      // The file lists posts before authors: the import must still create authors first.
      const reversed = { ...file, collections: [...(file['collections'] as Body[])].reverse() };
      const res = await sa(target, 'post', '/api/v1/collections/import').send({ data: reversed }).expect(200);
      expect(res.body).toMatchObject({ success: true, imported_count: 2, skipped_count: 0, updated_count: 0, failed_count: 0, records_imported: 2 });
      expect(res.body.collections.map((c: Body) => [c['name'], c['status']])).toEqual([
        ['authors', 'imported'],
        ['posts', 'imported'],
      ]);
      expect(res.body.migrations_created).toHaveLength(2);
      // B does not exist here: its row is reported, not inserted.
      expect(res.body.skipped_records).toEqual([{ collection: 'posts', id: postB, account_id: B.id, reason: 'account does not exist' }]);

      const again = JSON.parse((await sa(target, 'get', '/api/v1/collections/export?include_records=true').expect(200)).text);
      const original = file['collections'] as Body[];
      expect(again.collections.map((c: Body) => ({ name: c['name'], schema: c['schema'], rules: c['rules'] }))).toEqual(
        original.map((c) => ({ name: c['name'], schema: c['schema'], rules: c['rules'] })),
      );
      const authors = await rowsOf(target, 'col_authors');
      expect(authors).toHaveLength(1);
      expect(authors[0]).toMatchObject({ id: authorA, account_id: A.id, created_by: 'u1', name: 'Ann' });
      expect(again.collections[0].records[0]).toEqual((original[0]?.['records'] as Body[])[0]);
      const posts = await rowsOf(target, 'col_posts');
      expect(posts.map((p) => [p['id'], p['account_id'], p['author']])).toEqual([[postA, A.id, authorA]]);
      // Audited as record creations.
      await target.core.audit.flush();
      const audit = await target.core.db.kysely.selectFrom('audit_log').select('record_id').where('table_name', '=', 'col_posts').where('operation', '=', 'CREATE').execute();
      expect(audit.map((a) => a.record_id)).toContain(postA);
    });

    it('error strategy (the default): an existing collection aborts with 409 before anything is written', async () => {
      const withNew = { version: '1.0', collections: [{ name: 'fresh', schema: [{ name: 'a', type: 'text' }] }, ...(file['collections'] as Body[])] };
      const res = await sa(target, 'post', '/api/v1/collections/import').send({ data: withNew });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('conflict');
      expect(res.body.message).toContain('nothing was imported');
      expect(await collectionNames(target)).toEqual(['authors', 'posts']);
      expect(await rowsOf(target, 'col_posts')).toHaveLength(1);
    });

    it('skip strategy: existing collections and their records are left alone, new ones imported', async () => {
      const data = { version: '1.0', collections: [...(file['collections'] as Body[]), { name: 'tags', schema: [{ name: 'label', type: 'text' }], rules: { list_rule: '' } }] };
      const res = await sa(target, 'post', '/api/v1/collections/import').send({ data, strategy: 'skip' }).expect(200);
      expect(res.body).toMatchObject({ success: true, imported_count: 1, skipped_count: 2, updated_count: 0, failed_count: 0, records_imported: 0 });
      expect(res.body.collections.find((c: Body) => c['name'] === 'authors')).toMatchObject({ status: 'skipped', message: "Collection 'authors' already exists" });
      expect(await collectionNames(target)).toEqual(['authors', 'posts', 'tags']);
      expect((await target.core.catalog.byName('tags'))?.rules.list_rule).toBe('');
      expect(await rowsOf(target, 'col_authors')).toHaveLength(1);
    });

    it('update strategy: updates schema AND rules; records already present are reported, new ones added', async () => {
      const authors = (file['collections'] as Body[])[0] as Body;
      const newRow = { ...((authors['records'] as Body[])[0] as Body), id: randomUUID(), name: 'Second' };
      const changed = {
        ...authors,
        schema: [...(authors['schema'] as Body[]), { name: 'bio', type: 'text' }],
        rules: { ...(authors['rules'] as Body), list_rule: 'created_by = @request.auth.id', create_rule: '' },
        records: [...(authors['records'] as Body[]), newRow],
      };
      const res = await sa(target, 'post', '/api/v1/collections/import').send({ data: { version: '1.0', collections: [changed] }, strategy: 'update' }).expect(200);
      expect(res.body).toMatchObject({ success: true, updated_count: 1, records_imported: 1 });
      expect(res.body.collections[0]).toMatchObject({ name: 'authors', status: 'updated', records_imported: 1, records_skipped: 1 });
      expect(res.body.skipped_records).toEqual([{ collection: 'authors', id: authorA, account_id: A.id, reason: 'a record with this id already exists' }]);
      const model = await target.core.catalog.byName('authors');
      expect(model?.fields.map((f) => f.name)).toEqual(['name', 'meta', 'active', 'bio']);
      expect(model?.rules).toMatchObject({ list_rule: 'created_by = @request.auth.id', create_rule: '' });
      expect((await rowsOf(target, 'col_authors')).map((r) => r['name']).sort()).toEqual(['Ann', 'Second']);
    });

    it('update strategy: rules that do not fit the schema refuse that collection before anything changes', async () => {
      const before = await target.core.catalog.byName('authors');
      const authors = (file['collections'] as Body[])[0] as Body;
      const changed = { ...authors, schema: [...(authors['schema'] as Body[]), { name: 'extra', type: 'text' }], rules: { list_rule: 'no_such_field = 1' }, records: [] };
      const res = await sa(target, 'post', '/api/v1/collections/import').send({ data: { version: '1.0', collections: [changed] }, strategy: 'update' }).expect(200);
      expect(res.body).toMatchObject({ success: false, failed_count: 1, updated_count: 0 });
      expect(res.body.collections[0]).toMatchObject({ name: 'authors', status: 'error' });
      const after = await target.core.catalog.byName('authors');
      expect(after?.fields.map((f) => f.name)).toEqual(before?.fields.map((f) => f.name));
      expect(after?.rules).toEqual(before?.rules);
    });

    it('skip/update strategies report a collection that fails and go on with the others', async () => {
      const data = { version: '1.0', collections: [{ name: 'bad', schema: [{ name: 'x', type: 'no_such_type' }] }, { name: 'good', schema: [{ name: 'a', type: 'text' }] }] };
      const res = await sa(target, 'post', '/api/v1/collections/import').send({ data, strategy: 'update' }).expect(200);
      expect(res.body).toMatchObject({ success: false, imported_count: 1, failed_count: 1 });
      expect(res.body.collections[0]).toMatchObject({ name: 'bad', status: 'error' });
      expect(await collectionNames(target)).toContain('good');
      expect(await collectionNames(target)).not.toContain('bad');
    });

    it('refuses a body of the wrong shape with 422', async () => {
      const res = await sa(target, 'post', '/api/v1/collections/import').send({ data: { version: '1.0' }, strategy: 'merge' });
      expect(res.status).toBe(422);
    });
  });
});
