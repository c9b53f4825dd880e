import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { createSuperadmin, systemContext, type Core } from '@snackbase/core';
import { TEST_DIALECTS } from '@snackbase/testing';
import { signIn, startTestServer, type TestServer } from '../test-support/test-server';

// Seven engineers share two cores: start-up (migrations, argon2) can take far longer than 5 s.
jest.setTimeout(120_000);

const PASSWORD = 'Correct-Horse-9!';
type Body = Record<string, unknown>;
const FIELDS = [
  { name: 'title', type: 'text' },
  { name: 'status', type: 'text' },
  { name: 'owner', type: 'text' },
  { name: 'shout', type: 'computed', expression: 'upper(title)', return_type: 'text' },
];

describe.each(TEST_DIALECTS)('collection rules routes on %s', (dialect) => {
  let server: TestServer;
  let core: Core;
  let app: Express;
  let token = '';

  const sa = (method: 'get' | 'put' | 'post' | 'delete', url: string) => request(app)[method](url).set('Authorization', `Bearer ${token}`);
  const rulesUrl = (name: string) => `/api/v1/collections/${name}/rules`;
  const fresh = async (extra: Body = {}) => {
    const name = `c_${randomUUID().slice(0, 8)}`;
    const res = await sa('post', '/api/v1/collections').send({ name, schema: FIELDS, ...extra }).expect(201);
    return { name, id: res.body.id as string };
  };
  const codesOf = (body: { details: { field: string; code: string }[] }) => body.details.map((d) => `${d.field}:${d.code}`).sort();

  beforeAll(async () => {
    server = await startTestServer(dialect);
    ({ core, app } = server);
    await createSuperadmin(systemContext('test'), core, { email: 'root@example.com', password: PASSWORD });
    token = await signIn(app, 'system', 'root@example.com', PASSWORD);
  });
  afterAll(() => server?.close());

  it('creates locked rules with the collection and answers the rules object', async () => {
    const c = await fresh();
    const res = await sa('get', rulesUrl(c.name.toUpperCase())).expect(200);
    expect(res.body).toEqual({
      id: expect.any(String),
      collection_id: c.id,
      list_rule: null,
      view_rule: null,
      create_rule: null,
      update_rule: null,
      delete_rule: null,
      list_fields: '*',
      view_fields: '*',
      create_fields: '*',
      update_fields: '*',
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const missing = await sa('get', rulesUrl('nothing_here')).expect(404);
    expect(missing.body.message).toBe("Collection 'nothing_here' not found");
    await sa('put', rulesUrl('nothing_here')).send({ list_rule: '' }).expect(404);
  });

  it('stores valid rules given on create, macros and updated_by included', async () => {
    const rules = {
      list_rule: '',
      view_rule: 'owner = @request.auth.id || @has_role("admin")',
      create_rule: "@request.data.status = 'draft'",
      update_rule: 'updated_by = @request.auth.id && @request.data.title != ""',
      delete_rule: null,
      list_fields: '["title","shout"]',
    };
    const c = await fresh(rules);
    const res = await sa('get', rulesUrl(c.name)).expect(200);
    expect(res.body).toMatchObject({ ...rules, view_fields: '*' });
    expect((await core.catalog.byName(c.name))?.rules).toMatchObject(rules);
  });

  it('refuses invalid rules on create, reporting every problem, and creates nothing', async () => {
    const name = `bad_${randomUUID().slice(0, 8)}`;
    const res = await sa('post', '/api/v1/collections')
      .send({ name, schema: FIELDS, list_rule: 'nope = 1', view_rule: "@request.data.title = 'x'", update_rule: 'title = (', create_fields: '["ghost"]' })
      .expect(400);
    expect(res.body).toMatchObject({ code: 'invalid_rule', message: expect.stringMatching(/^Invalid /) });
    expect(codesOf(res.body)).toEqual(['create_fields:unknown_field', 'list_rule:unknown_field', 'update_rule:syntax_error', 'view_rule:data_not_allowed']);
    expect(await core.catalog.byName(name)).toBeUndefined();
  });

  it('updates by presence: absent unchanged, null locked, "" public', async () => {
    const c = await fresh({ list_rule: 'status = "open"', view_rule: '', delete_rule: 'owner = @request.auth.id' });
    const res = await sa('put', rulesUrl(c.name)).send({ list_rule: '', view_rule: null, update_fields: '["title"]' }).expect(200);
    expect(res.body).toMatchObject({ list_rule: '', view_rule: null, delete_rule: 'owner = @request.auth.id', update_fields: '["title"]', list_fields: '*' });
    expect((await sa('get', rulesUrl(c.name))).body).toMatchObject({ list_rule: '', view_rule: null, delete_rule: 'owner = @request.auth.id' });
    expect((await core.catalog.byName(c.name))?.rules).toMatchObject({ list_rule: '', view_rule: null, update_fields: '["title"]' });
    await core.audit.flush();
    const audited = await core.db.kysely.selectFrom('audit_log').select(['operation', 'column_name']).where('table_name', '=', 'collection_rules').where('record_id', '=', res.body.id).execute();
    expect(audited).toEqual(expect.arrayContaining([{ operation: 'UPDATE', column_name: 'list_rule' }, { operation: 'UPDATE', column_name: 'view_rule' }]));
    const listed = await sa('get', `/api/v1/collections?search=${c.name}`).expect(200);
    expect(listed.body.items[0].has_public_access).toBe(true);
  });

  it('refuses bad rules and field lists with every problem, and wrong shapes with 422, changing nothing', async () => {
    const c = await fresh({ list_rule: '' });
    const before = (await sa('get', rulesUrl(c.name))).body;
    const bad = await sa('put', rulesUrl(c.name))
      .send({ list_rule: 'title ~ ', delete_rule: '@request.data.title = "x"', view_rule: 'shout = "X"', view_fields: 'title', create_fields: '["title","nope"]' })
      .expect(400);
    expect(bad.body.code).toBe('invalid_rule');
    expect(codesOf(bad.body)).toEqual(['create_fields:unknown_field', 'delete_rule:data_not_allowed', 'list_rule:syntax_error', 'view_fields:invalid_field_list', 'view_rule:unknown_field']);
    await sa('put', rulesUrl(c.name)).send({ list_rule: '', surprise: 1 }).expect(422);
    await sa('put', rulesUrl(c.name)).send({ list_fields: ['title'] }).expect(422);
    await sa('put', rulesUrl(c.name)).send({ list_fields: null }).expect(422);
    expect((await sa('get', rulesUrl(c.name))).body).toEqual(before);
  });

  it('refuses a schema change that would leave a rule naming a missing field', async () => {
    const c = await fresh({ list_rule: 'status = "open"' });
    const res = await sa('put', `/api/v1/collections/${c.id}`).send({ schema: FIELDS.filter((f) => f.name !== 'status') }).expect(409);
    expect(res.body).toMatchObject({ code: 'schema_conflict', message: expect.stringContaining('list_rule') });
    expect((await sa('get', `/api/v1/collections/${c.id}`)).body.schema).toHaveLength(FIELDS.length);
  });
});
