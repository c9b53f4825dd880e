import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { createSuperadmin, systemContext, type Core } from '@snackbase/core';
import { HookAbortError } from '@snackbase/hooks';
import { accountScope, dynamicTenantTable } from '@snackbase/tenancy';
import { TEST_DIALECTS } from '@snackbase/testing';
import { signIn, startTestServer, type TestServer } from '../test-support/test-server';
import { addVerifiedUser, insertTwoAccounts } from '../test-support/two-accounts';

// Seven engineers share two cores: start-up (migrations, argon2) can take far longer than 5 s.
jest.setTimeout(120_000);

const PASSWORD = 'Correct-Horse-9!';
type Caller = 'anonymous' | 'userA' | 'adminA' | 'superadmin';
type Method = 'get' | 'post' | 'put' | 'delete';
type Body = Record<string, unknown>;

const text = (name: string, extra: Body = {}) => ({ name, type: 'text', ...extra });

describe.each(TEST_DIALECTS)('collections routes on %s', (dialect) => {
  let server: TestServer;
  let core: Core;
  let app: Express;
  const A = { id: randomUUID(), code: 'AA0001' };
  const B = { id: randomUUID(), code: 'BB0001' };
  const tokens: Partial<Record<Caller, string>> = {};

  function as(caller: Caller, method: Method, url: string) {
    const req = request(app)[method](url);
    const token = tokens[caller];
    return token ? req.set('Authorization', `Bearer ${token}`) : req;
  }
  const sa = (method: Method, url: string) => as('superadmin', method, url);
  const rowsOf = (table: string, accountId = A.id) => dynamicTenantTable(core.db.kysely, accountScope(accountId), table).select().selectAll().orderBy('created_at').execute();
  const insertInto = (table: string, values: Body, accountId = A.id) =>
    dynamicTenantTable(core.db.kysely, accountScope(accountId), table)
      .insert({ id: randomUUID(), created_by: 'test', updated_by: 'test', ...values })
      .execute();
  const create = async (body: Body) => (await sa('post', '/api/v1/collections').send(body).expect(201)).body as { id: string; name: string; schema: Body[] };
  const auditRows = async (table: string, recordId: string) => {
    await core.audit.flush();
    return core.db.kysely.selectFrom('audit_log').select(['operation', 'column_name', 'new_value']).where('table_name', '=', table).where('record_id', '=', recordId).execute();
  };

  beforeAll(async () => {
    server = await startTestServer(dialect);
    ({ core, app } = server);
    await createSuperadmin(systemContext('test'), core, { email: 'root@example.com', password: PASSWORD });
    await insertTwoAccounts(core, { A, B });
    await addVerifiedUser(core, A.id, { id: randomUUID(), email: 'ann@acme.test', password: PASSWORD });
    await addVerifiedUser(core, A.id, { id: randomUUID(), email: 'adm@acme.test', password: PASSWORD, roleId: 1 });
    tokens.userA = await signIn(app, 'acme', 'ann@acme.test', PASSWORD);
    tokens.adminA = await signIn(app, 'acme', 'adm@acme.test', PASSWORD);
    tokens.superadmin = await signIn(app, 'system', 'root@example.com', PASSWORD);
  });
  afterAll(() => server?.close());

  describe('superadmin only', () => {
    const routes: ReadonlyArray<[Method, string, Body | undefined]> = [
      ['get', '/api/v1/collections', undefined],
      ['get', '/api/v1/collections/names', undefined],
      ['post', '/api/v1/collections', { name: 'sneaky', schema: [text('a')] }],
      ['get', '/api/v1/collections/ID', undefined],
      ['put', '/api/v1/collections/ID', { schema: [text('a')] }],
      ['delete', '/api/v1/collections/ID', undefined],
      ['get', '/api/v1/collections/ID/deletion-preview', undefined],
      ['get', '/api/v1/collections/guarded/rules', undefined],
      ['put', '/api/v1/collections/guarded/rules', { list_rule: '' }],
    ];
    const expected: Record<Exclude<Caller, 'superadmin'>, number> = { anonymous: 401, userA: 403, adminA: 403 };
    const cases = routes.flatMap(([m, url, body]) => (['anonymous', 'userA', 'adminA'] as const).map((c) => [`${m} ${url}`, c, m, url, body] as const));
    let guarded: { id: string };
    beforeAll(async () => {
      guarded = await create({ name: 'guarded', schema: [text('a')] });
    });

    it.each(cases)('%s as %s is refused and changes nothing', async (_n, caller, method, url, body) => {
      const req = as(caller, method, url.replace('ID', guarded.id));
      const res = await (body ? req.send(body) : req);
      expect(res.status).toBe(expected[caller]);
      expect(res.body.code).toBe(caller === 'anonymous' ? 'unauthorized' : 'forbidden');
      expect((await sa('get', `/api/v1/collections/${guarded.id}`).expect(200)).body.schema).toHaveLength(1);
      expect((await sa('get', '/api/v1/collections/names').expect(200)).body.names).not.toContain('sneaky');
      expect((await sa('get', '/api/v1/collections/guarded/rules').expect(200)).body.list_rule).toBeNull();
    });
  });

  describe('validation codes of spec §3.2', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `c${i}`, type: 'computed', expression: 'n * 2', return_type: 'number' }));
    const rows: ReadonlyArray<[string, Body, string, string]> = [
      ['no name', { schema: [text('a')] }, 'name', 'name_required'],
      ['short name', { name: 'ab', schema: [text('a')] }, 'name', 'name_too_short'],
      ['long name', { name: 'a'.repeat(65), schema: [text('a')] }, 'name', 'name_too_long'],
      ['name too long for a PostgreSQL table', { name: 'a'.repeat(60), schema: [text('a')] }, 'name', 'name_too_long'],
      ['bad name', { name: '1abc', schema: [text('a')] }, 'name', 'name_invalid_format'],
      ['no fields', { name: 'empty', schema: [] }, 'schema', 'schema_empty'],
      ['field without name', { name: 'vvv', schema: [text('a'), { type: 'text' }] }, 'schema[1].name', 'field_name_required'],
      ['long field name', { name: 'vvv', schema: [text('b'.repeat(64))] }, 'schema[0].name', 'field_name_too_long'],
      ['bad field name', { name: 'vvv', schema: [text('a'), text('a'), text('9x')] }, 'schema[2].name', 'field_name_invalid_format'],
      ['reserved field name', { name: 'vvv', schema: [text('Created_At')] }, 'schema[0].name', 'field_name_reserved'],
      ['duplicate ignoring case', { name: 'vvv', schema: [text('title'), text('Title')] }, 'schema[1].name', 'field_name_duplicate'],
      ['no type', { name: 'vvv', schema: [{ name: 'a' }] }, 'schema[0].type', 'field_type_required'],
      ['bad type', { name: 'vvv', schema: [{ name: 'a', type: 'money' }] }, 'schema[0].type', 'field_type_invalid'],
      ['reference without target', { name: 'vvv', schema: [{ name: 'r', type: 'reference', on_delete: 'cascade' }] }, 'schema[0].collection', 'reference_collection_required'],
      ['reference without on_delete', { name: 'vvv', schema: [{ name: 'r', type: 'reference', collection: 'guarded' }] }, 'schema[0].on_delete', 'reference_on_delete_required'],
      ['reference bad on_delete', { name: 'vvv', schema: [{ name: 'r', type: 'reference', collection: 'guarded', on_delete: 'explode' }] }, 'schema[0].on_delete', 'reference_on_delete_invalid'],
      ['reference to nothing', { name: 'vvv', schema: [{ name: 'r', type: 'reference', collection: 'nowhere', on_delete: 'cascade' }] }, 'schema[0].collection', 'reference_collection_not_found'],
      ['mask without pii', { name: 'vvv', schema: [text('a', { mask_type: 'email' })] }, 'schema[0].mask_type', 'mask_type_requires_pii'],
      ['bad mask', { name: 'vvv', schema: [text('a', { pii: true, mask_type: 'blur' })] }, 'schema[0].mask_type', 'mask_type_invalid'],
      ['bad default', { name: 'vvv', schema: [{ name: 'n', type: 'number', default: 'many' }] }, 'schema[0].default', 'field_default_invalid'],
      ['11 computed', { name: 'vvv', schema: [{ name: 'n', type: 'number' }, ...many(11)] }, 'schema', 'too_many_computed_fields'],
      ['computed required', { name: 'vvv', schema: [{ name: 'n', type: 'number' }, { ...many(1)[0], required: true }] }, 'schema[1].required', 'computed_field_no_required'],
      ['computed default', { name: 'vvv', schema: [{ name: 'n', type: 'number' }, { ...many(1)[0], default: 3 }] }, 'schema[1].default', 'computed_field_no_default'],
      ['computed unique', { name: 'vvv', schema: [{ name: 'n', type: 'number' }, { ...many(1)[0], unique: true }] }, 'schema[1].unique', 'computed_field_no_unique'],
      ['computed no expression', { name: 'vvv', schema: [{ name: 'c', type: 'computed', return_type: 'text' }] }, 'schema[0].expression', 'computed_field_expression_required'],
      ['computed no return type', { name: 'vvv', schema: [{ name: 'c', type: 'computed', expression: "'x'" }] }, 'schema[0].return_type', 'computed_field_return_type_required'],
      ['computed bad return type', { name: 'vvv', schema: [{ name: 'c', type: 'computed', expression: "'x'", return_type: 'money' }] }, 'schema[0].return_type', 'computed_field_return_type_invalid'],
      ['computed syntax', { name: 'vvv', schema: [{ name: 'n', type: 'number' }, { name: 'c', type: 'computed', expression: 'n * (', return_type: 'number' }] }, 'schema[1].expression', 'computed_field_expression_invalid'],
      ['computed on computed', { name: 'vvv', schema: [{ name: 'n', type: 'number' }, ...many(1), { name: 'd', type: 'computed', expression: 'c0 + 1', return_type: 'number' }] }, 'schema[2].expression', 'computed_field_expression_error'],
    ];

    it.each(rows)('%s → 400 %s at %s', async (_n, body, field, code) => {
      const res = await sa('post', '/api/v1/collections').send(body).expect(400);
      expect(res.body).toMatchObject({ error: 'Validation error', code: 'validation_failed' });
      expect(res.body.details).toContainEqual(expect.objectContaining({ field, code }));
      expect(res.body.message).toMatch(/^Validation failed: /);
      expect((await sa('get', '/api/v1/collections/names').expect(200)).body.names).not.toContain('vvv');
    });

    it('reports every problem at once and never a 500 for a wrong shape', async () => {
      const res = await sa('post', '/api/v1/collections').send({ name: 'x', schema: [{ type: 'text' }, text('id')] }).expect(400);
      expect(res.body.details.map((d: { code: string }) => d.code).sort()).toEqual(['field_name_required', 'field_name_reserved', 'name_too_short']);
      await sa('post', '/api/v1/collections').send({ name: 'shape', schema: 'nope' }).expect(422);
      await sa('post', '/api/v1/collections').send({ name: 'shape', schema: [{ name: 'a', type: 'text', required: 'yes' }] }).expect(422);
    });
  });

  it('takes the longest names PostgreSQL can hold, and stores records in them', async () => {
    const name = `L${'o'.repeat(58)}`;
    const field = `f${'x'.repeat(62)}`;
    await create({ name, schema: [text(field)] });
    await insertInto(`col_${name.toLowerCase()}`, { [field]: 'kept' });
    expect(await rowsOf(`col_${name.toLowerCase()}`)).toEqual([expect.objectContaining({ [field]: 'kept' })]);
  });

  it('creates the table in the same step: records can be stored at once, per account', async () => {
    const posts = await create({
      name: 'Posts',
      fields: [
        text('title', { required: true }),
        { name: 'views', type: 'number', default: 0 },
        { name: 'double', type: 'computed', expression: 'views * 2', return_type: 'number' },
        { name: 'ignored', type: 'TEXT', min: 3, label: 'dropped key' },
      ],
    });
    expect(posts).toMatchObject({ name: 'Posts', table_name: 'col_posts' });
    expect(posts.schema[2]).toMatchObject({ name: 'double', type: 'computed', expression: 'views * 2', return_type: 'number' });
    expect(posts.schema[3]).toEqual(expect.objectContaining({ name: 'ignored', type: 'text' }));
    expect(posts.schema[3]).not.toHaveProperty('min');
    await insertInto('col_posts', { title: 'Hello' });
    expect(await rowsOf('col_posts')).toEqual([expect.objectContaining({ title: 'Hello', views: 0, account_id: A.id })]);
    expect(await rowsOf('col_posts', B.id)).toEqual([]);
    expect((await core.catalog.byName('posts'))?.id).toBe(posts.id);
    const again = await sa('post', '/api/v1/collections').send({ name: 'POSTS', schema: [text('a')] }).expect(409);
    expect(again.body).toMatchObject({ message: "Collection 'POSTS' already exists", field: 'name' });
    const read = await sa('get', `/api/v1/collections/${posts.id}`).expect(200);
    expect(read.body).toMatchObject({ id: posts.id, name: 'Posts', schema: posts.schema });
    expect((await auditRows('collections', posts.id)).map((r) => r.column_name)).toEqual(expect.arrayContaining(['name', 'schema']));
    expect((await sa('get', `/api/v1/collections/${randomUUID()}`).expect(404)).body.message).toMatch(/^Collection with ID '.+' not found$/);
  });

  it('lets exactly one of two concurrent creates of one name (ignoring case) win', async () => {
    const results = await Promise.all([
      sa('post', '/api/v1/collections').send({ name: 'Racer', schema: [text('a')] }),
      sa('post', '/api/v1/collections').send({ name: 'racer', schema: [text('b')] }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(results.find((r) => r.status === 409)?.body).toMatchObject({ code: 'unique_violation', field: 'name' });
    expect((await sa('get', '/api/v1/collections/names')).body.names.filter((n: string) => n.toLowerCase() === 'racer')).toHaveLength(1);
  });

  it('lists with paging, search, records of every tenant and public access', async () => {
    const listed = await create({ name: 'listed_one', schema: [text('a')], view_rule: '' });
    await insertInto('col_listed_one', { a: 'x' }, A.id);
    await insertInto('col_listed_one', { a: 'y' }, B.id);
    const res = await sa('get', '/api/v1/collections?search=LISTED_&page_size=5').expect(200);
    expect(res.body).toMatchObject({ total: 1, page: 1, page_size: 5, total_pages: 1 });
    expect(res.body.items[0]).toMatchObject({ id: listed.id, table_name: 'col_listed_one', fields_count: 1, records_count: 2, has_public_access: true });
    const byName = await sa('get', '/api/v1/collections?sort_by=name&sort_order=asc&page_size=100').expect(200);
    const names = byName.body.items.map((i: { name: string }) => i.name);
    expect(names).toEqual([...names].sort((a: string, b: string) => a.localeCompare(b)));
    await sa('get', '/api/v1/collections?page_size=500').expect(422);
  });

  describe('schema updates migrate the table', () => {
    it('adds, removes and renames fields, keeping the data of kept fields', async () => {
      const c = await create({ name: 'notes', schema: [text('title'), text('body'), { name: 'stars', type: 'number' }] });
      await insertInto('col_notes', { title: 'T1', body: 'B1', stars: 3 });
      const res = await sa('put', `/api/v1/collections/${c.id}`)
        .send({ schema: [text('headline'), { name: 'stars', type: 'number' }, { name: 'done', type: 'boolean', default: false }], renames: { title: 'headline' } })
        .expect(200);
      expect(res.body.schema.map((f: { name: string }) => f.name)).toEqual(['headline', 'stars', 'done']);
      const [row] = await rowsOf('col_notes');
      expect(row).toMatchObject({ headline: 'T1', stars: 3 });
      expect(row).not.toHaveProperty('body');
      expect(row).not.toHaveProperty('title');
      expect((await core.catalog.byName('notes'))?.fields.map((f) => f.name)).toEqual(['headline', 'stars', 'done']);
      expect((await auditRows('collections', c.id)).some((r) => r.operation === 'UPDATE' && r.column_name === 'schema')).toBe(true);
    });

    it('makes a field required, unique (per account) and defaulted when the data allows it', async () => {
      const c = await create({ name: 'tags', schema: [text('label'), text('color')] });
      await insertInto('col_tags', { label: 'red', color: 'c1' }, A.id);
      await insertInto('col_tags', { label: 'red', color: 'c2' }, B.id);
      await sa('put', `/api/v1/collections/${c.id}`)
        .send({ schema: [text('label', { required: true, unique: true }), text('color', { default: 'blue' })] })
        .expect(200);
      await insertInto('col_tags', { label: 'green' }, A.id);
      expect((await rowsOf('col_tags')).find((r) => r['label'] === 'green')).toMatchObject({ color: 'blue' });
      await expect(insertInto('col_tags', { label: 'red' }, A.id)).rejects.toBeDefined();
      await expect(insertInto('col_tags', { color: 'x' }, A.id)).rejects.toBeDefined();
    });

    it('refuses what the data cannot take with 409 schema_conflict, changing nothing', async () => {
      const c = await create({ name: 'items', schema: [text('sku'), text('note')] });
      await insertInto('col_items', { sku: 'S1' });
      await insertInto('col_items', { sku: 'S1', note: 'n' });
      const before = { def: (await sa('get', `/api/v1/collections/${c.id}`)).body, rows: await rowsOf('col_items') };
      const required = await sa('put', `/api/v1/collections/${c.id}`).send({ schema: [text('sku'), text('note', { required: true }), text('extra')] }).expect(409);
      expect(required.body).toMatchObject({ code: 'schema_conflict', field: 'note' });
      const unique = await sa('put', `/api/v1/collections/${c.id}`).send({ schema: [text('sku', { unique: true }), text('note')] }).expect(409);
      expect(unique.body).toMatchObject({ code: 'schema_conflict', field: 'sku' });
      const typed = await sa('put', `/api/v1/collections/${c.id}`).send({ schema: [{ name: 'sku', type: 'number' }, text('note')] }).expect(400);
      expect(typed.body.details).toContainEqual(expect.objectContaining({ field: 'schema[0].type', code: 'type_change_not_allowed' }));
      const renamedAway = await sa('put', `/api/v1/collections/${c.id}`).send({ schema: [text('sku')], renames: { nope: 'sku' } }).expect(400);
      expect(renamedAway.body.details[0].code).toBe('rename_source_missing');
      expect({ def: (await sa('get', `/api/v1/collections/${c.id}`)).body, rows: await rowsOf('col_items') }).toEqual(before);
      await sa('put', `/api/v1/collections/${randomUUID()}`).send({ schema: [text('a')] }).expect(404);
    });
  });

  describe('references and deletion', () => {
    it('previews, refuses deleting a referenced collection, then deletes with everything', async () => {
      const authors = await create({ name: 'authors', schema: [text('name')] });
      const books = await create({ name: 'books', schema: [text('title'), { name: 'author', type: 'reference', collection: 'authors', on_delete: 'cascade' }] });
      const author = randomUUID();
      await insertInto('col_authors', { id: author, name: 'Ann' });
      await insertInto('col_authors', { name: 'Bob' }, B.id);
      await insertInto('col_books', { title: 'B', author });
      const preview = await sa('get', `/api/v1/collections/${authors.id}/deletion-preview`).expect(200);
      expect(preview.body).toEqual({
        collection_id: authors.id,
        collection_name: 'authors',
        table_name: 'col_authors',
        records_total: 2,
        records_by_account: expect.arrayContaining([{ account_id: A.id, account_name: 'Acme', count: 1 }, { account_id: B.id, account_name: 'Bolt', count: 1 }]),
        referencing_collections: [{ name: 'books', field: 'author', on_delete: 'cascade' }],
        files: 0,
        webhooks: [],
        hooks: [],
      });
      const refused = await sa('delete', `/api/v1/collections/${authors.id}`).expect(409);
      expect(refused.body.message).toMatch(/referenced by books\.author/);
      expect(await rowsOf('col_authors')).toHaveLength(1);
      const deletedBooks = await sa('delete', `/api/v1/collections/${books.id}`).expect(200);
      expect(deletedBooks.body).toMatchObject({ message: 'Collection deleted successfully', collection_id: books.id, collection_name: 'books', table_name: 'col_books', records_deleted: 1 });
      const deleted = await sa('delete', `/api/v1/collections/${authors.id}`).expect(200);
      expect(deleted.body.records_deleted).toBe(2);
      expect(await core.catalog.byName('authors')).toBeUndefined();
      await sa('get', `/api/v1/collections/${authors.id}`).expect(404);
      await sa('get', `/api/v1/collections/${authors.id}/deletion-preview`).expect(404);
      await sa('get', '/api/v1/collections/authors/rules').expect(404);
      await expect(rowsOf('col_authors')).rejects.toBeDefined();
      expect((await auditRows('collections', authors.id)).some((r) => r.operation === 'DELETE')).toBe(true);
      // The name is free again.
      await create({ name: 'Authors', schema: [text('name')] });
    });
  });

  it('lets a collection reference itself and renames fields inside its field lists', async () => {
    const c = await create({
      name: 'nodes',
      schema: [text('label'), { name: 'parent', type: 'reference', collection: 'nodes', on_delete: 'set_null' }],
      list_fields: '["label","parent"]',
    });
    const root = randomUUID();
    await insertInto('col_nodes', { id: root, label: 'root' });
    await insertInto('col_nodes', { label: 'leaf', parent: root });
    await sa('put', `/api/v1/collections/${c.id}`)
      .send({ fields: [text('title'), { name: 'parent', type: 'reference', collection: 'nodes', on_delete: 'set_null' }], renames: { label: 'title' } })
      .expect(200);
    expect((await rowsOf('col_nodes')).map((r) => r['title']).sort()).toEqual(['leaf', 'root']);
    expect((await sa('get', '/api/v1/collections/nodes/rules').expect(200)).body.list_fields).toBe('["title","parent"]');
    await sa('put', `/api/v1/collections/${c.id}`).send({ schema: [text('title')] }).expect(200);
    expect((await sa('get', '/api/v1/collections/nodes/rules').expect(200)).body.list_fields).toBe('["title"]');
    expect(await rowsOf('col_nodes')).toHaveLength(2);
  });

  describe('hooks', () => {
    it('fires update and delete hooks; a before-update hook may change the draft', async () => {
      const events: string[] = [];
      const offs = [
        core.hooks.on('collection.beforeUpdate', (p) => {
          p.definition['schema'] = [...(p.definition['schema'] as Body[]), text('stamped')];
        }),
        core.hooks.on('collection.afterUpdate', (p) => void events.push(`updated:${p.collection}:${(p.previous['schema'] as Body[]).length}`)),
        core.hooks.on('collection.beforeDelete', (p) => void events.push(`deleting:${p.collection}`)),
        core.hooks.on('collection.afterDelete', (p) => void events.push(`deleted:${p.collection}`)),
      ];
      try {
        const c = await create({ name: 'hooked_two', schema: [text('a')] });
        const res = await sa('put', `/api/v1/collections/${c.id}`).send({ schema: [text('a'), text('b')] }).expect(200);
        expect(res.body.schema.map((f: Body) => f['name'])).toEqual(['a', 'b', 'stamped']);
        await sa('delete', `/api/v1/collections/${c.id}`).expect(200);
        expect(events).toEqual(['updated:hooked_two:1', 'deleting:hooked_two', 'deleted:hooked_two']);
      } finally {
        offs.forEach((off) => off());
      }
    });

    it('lets a before-hook refuse and fires after-hooks once committed', async () => {
      const seen: string[] = [];
      const offBefore = core.hooks.on('collection.beforeCreate', (p) => {
        if (p.collection === 'forbidden_one') throw new HookAbortError(403, 'No such names');
      });
      const offAfter = core.hooks.on('collection.afterCreate', (p) => void seen.push(p.collection));
      try {
        const refused = await sa('post', '/api/v1/collections').send({ name: 'forbidden_one', schema: [text('a')] }).expect(403);
        expect(refused.body.message).toBe('No such names');
        expect(await core.catalog.byName('forbidden_one')).toBeUndefined();
        await sa('post', '/api/v1/collections').send({ name: 'hooked_one', schema: [text('a')] }).expect(201);
        expect(seen).toEqual(['hooked_one']);
      } finally {
        offBefore();
        offAfter();
      }
    });
  });
});
