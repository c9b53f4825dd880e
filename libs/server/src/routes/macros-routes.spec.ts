import { randomUUID } from 'node:crypto';
import Ajv from 'ajv';
import express, { type Express } from 'express';
import request from 'supertest';
import * as contract from '@snackbase/contract';
import { createSuperadmin, systemContext, type Core, type RequestContext } from '@snackbase/core';
import { accountScope, dynamicTenantTable, tenantTable } from '@snackbase/tenancy';
import { TEST_DIALECTS } from '@snackbase/testing';
import { authenticate } from '../middleware/authenticate';
import { errorHandler } from '../middleware/error-handler';
import { jsonBody } from '../middleware/json-body';
import { requestContext } from '../middleware/request-context';
import { buildOpenApiDocument } from '../openapi/openapi-document';
import { RouteRegistry } from '../openapi/route-registry';
import { defineCollection, setRules } from '../test-support/collection-fixture';
import { signIn as signInAs, startTestServer, type TestServer } from '../test-support/test-server';
import { addVerifiedUser, insertTwoAccounts } from '../test-support/two-accounts';
import { registerMacrosRoutes } from './macros-routes';

// Several argon2 hashes and sign-ins per dialect on a shared, busy machine.
jest.setTimeout(120_000);

const PASSWORD = 'Correct-Horse-9!';
type Caller = 'anonymous' | 'userA' | 'adminA' | 'userB' | 'superadmin';
type Method = 'get' | 'post' | 'put' | 'delete';

describe.each(TEST_DIALECTS)('macros routes on %s', (dialect) => {
  let server: TestServer;
  let core: Core;
  /** The server's own app plus the macros routes (mounted here so the spec does not depend on create-app wiring). */
  let app: Express;
  let registry: RouteRegistry;
  const A = { id: randomUUID(), code: 'AA0001' };
  const B = { id: randomUUID(), code: 'BB0001' };
  const ids = { userA: randomUUID(), adminA: randomUUID(), userB: randomUUID(), superadmin: '' };
  const tokens: Partial<Record<Caller, string>> = {};
  const ctxOf = (userId: string, accountId: string): RequestContext => ({
    principal: { kind: 'user', userId, accountId, email: 'ann@acme.test', role: 'user', sessionId: 's', isSuperadmin: false },
    requestId: 'cid_fixture',
  });

  function as(caller: Caller, method: Method, url: string) {
    const req = request(app)[method](url);
    const token = tokens[caller];
    return token ? req.set('Authorization', `Bearer ${token}`) : req;
  }
  const create = (body: object) => as('superadmin', 'post', '/api/v1/macros').send(body);
  const macroCount = async () => Number((await core.db.kysely.selectFrom('macros').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    server = await startTestServer(dialect);
    core = server.core;
    app = express();
    app.use(requestContext(core.logger));
    app.use(jsonBody(core.config.maxBodySize));
    const api = express.Router();
    api.use(core.config.apiPrefix, authenticate(core));
    registry = new RouteRegistry();
    registerMacrosRoutes(registry, api, core);
    app.use(api);
    app.use(errorHandler(core.logger));

    const root = await createSuperadmin(systemContext('test'), core, { email: 'root@example.com', password: PASSWORD });
    ids.superadmin = root.id;
    await insertTwoAccounts(core, { A, B });
    await addVerifiedUser(core, A.id, { id: ids.userA, email: 'ann@acme.test', password: PASSWORD });
    await addVerifiedUser(core, A.id, { id: ids.adminA, email: 'adm@acme.test', password: PASSWORD, roleId: 1 });
    await addVerifiedUser(core, B.id, { id: ids.userB, email: 'bob@bolt.test', password: PASSWORD });
    tokens.userA = await signInAs(server.app, 'acme', 'ann@acme.test', PASSWORD);
    tokens.adminA = await signInAs(server.app, 'acme', 'adm@acme.test', PASSWORD);
    tokens.userB = await signInAs(server.app, 'bolt', 'bob@bolt.test', PASSWORD);
    tokens.superadmin = await signInAs(server.app, 'system', 'root@example.com', PASSWORD);
  });
  afterAll(() => server?.close());

  describe('access: superadmin only, reads included (spec §12.2 item 26)', () => {
    let existing: number;
    beforeAll(async () => {
      existing = (await create({ name: 'secret_logic', sql_query: "status = 'x'" }).expect(201)).body.id;
    });
    const endpoints: ReadonlyArray<[Method, (id: number) => string, object | undefined]> = [
      ['get', () => '/api/v1/macros', undefined],
      ['get', (id) => `/api/v1/macros/${id}`, undefined],
      ['post', () => '/api/v1/macros', { name: 'sneaky', sql_query: 'a = 1' }],
      ['put', (id) => `/api/v1/macros/${id}`, { sql_query: 'a = 2' }],
      ['delete', (id) => `/api/v1/macros/${id}`, undefined],
      ['post', (id) => `/api/v1/macros/${id}/test`, {}],
      ['post', () => '/api/v1/macros', { name: 42 }],
    ];
    const rows = endpoints.flatMap(([m, u, b]) =>
      (
        [
          ['anonymous', 401],
          ['userA', 403],
          ['adminA', 403],
          ['userB', 403],
        ] as const
      ).map(([c, s]) => [m, u, b, c, s] as const),
    );
    it.each(rows)('%s %p %j as %s → %d', async (method, url, body, caller, status) => {
      const before = await macroCount();
      const req = as(caller, method, url(existing));
      const res = await (body ? req.send(body) : req).expect(status);
      expect(res.body.code).toBe(status === 401 ? 'unauthorized' : 'forbidden');
      expect(JSON.stringify(res.body)).not.toContain("status = 'x'");
      expect(await macroCount()).toBe(before);
      expect((await core.db.kysely.selectFrom('macros').select('sql_query').where('id', '=', existing).executeTakeFirstOrThrow()).sql_query).toBe("status = 'x'");
    });
  });

  it('creates, lists, reads and changes a macro with the reference shape, audited', async () => {
    const res = await create({ name: 'status_is', description: 'Status equals', sql_query: 'status = s', parameters: ['s'], extra: 'ignored' }).expect(201);
    expect(res.body).toEqual({
      id: expect.any(Number),
      name: 'status_is',
      description: 'Status equals',
      sql_query: 'status = s',
      parameters: ['s'],
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      created_by: ids.superadmin,
    });
    const id = res.body.id as number;
    expect((await as('superadmin', 'get', `/api/v1/macros/${id}`).expect(200)).body).toEqual(res.body);
    const list = await as('superadmin', 'get', '/api/v1/macros?skip=0&limit=100').expect(200);
    expect(list.body.map((m: { name: string }) => m.name)).toContain('status_is');
    expect((await as('superadmin', 'get', '/api/v1/macros?limit=1').expect(200)).body).toHaveLength(1);
    const changed = await as('superadmin', 'put', `/api/v1/macros/${id}`).send({ description: 'Changed' }).expect(200);
    expect(changed.body).toMatchObject({ id, name: 'status_is', description: 'Changed', sql_query: 'status = s', parameters: ['s'] });
    await core.audit.flush();
    const audit = await core.db.kysely.selectFrom('audit_log').select(['operation', 'column_name']).where('table_name', '=', 'macros').where('record_id', '=', String(id)).execute();
    expect(audit.map((a) => a.operation)).toEqual(expect.arrayContaining(['CREATE', 'UPDATE']));
    expect(audit.some((a) => a.operation === 'UPDATE' && a.column_name === 'description')).toBe(true);
  });

  describe('validation on save', () => {
    it('rejects bad names and parameter names with 422', async () => {
      for (const body of [
        { name: '1abc', sql_query: 'a = 1' },
        { name: 'has_role', sql_query: 'a = 1' },
        { name: 'request', sql_query: 'a = 1' },
        { name: 'ok_name', sql_query: 'a = p', parameters: ['p', 'p'] },
        { name: 'ok_name', sql_query: 'a = 1', parameters: ['bad-name'] },
      ]) {
        const res = await create(body).expect(422);
        expect(res.body.code).toBe('invalid_request');
      }
      expect((await create({ name: 'has_role', sql_query: 'a = 1' })).body.message).toBe("'@has_role' is a built-in macro");
    });

    it('rejects a duplicate name with 409 and the reference message', async () => {
      await create({ name: 'dup_macro', sql_query: 'a = 1' }).expect(201);
      const res = await create({ name: 'dup_macro', sql_query: 'b = 2' }).expect(409);
      expect(res.body).toMatchObject({ code: 'unique_violation', message: "Macro with name 'dup_macro' already exists" });
    });

    it('rejects a body that is not a rule expression with 400 invalid_rule and every problem', async () => {
      const syntax = await create({ name: 'broken_syntax', sql_query: 'status = ' }).expect(400);
      expect(syntax.body.code).toBe('invalid_rule');
      expect(syntax.body.details[0]).toMatchObject({ field: 'sql_query', code: 'syntax_error' });
      const sql = await create({ name: 'old_style', sql_query: 'SELECT 1 FROM users' }).expect(400);
      expect(sql.body.code).toBe('invalid_rule');
      const many = await create({ name: 'many_problems', sql_query: "@request.auth.nope = 'x' && nosuchfn(a) = 1" }).expect(400);
      expect(many.body.details.map((d: { code: string }) => d.code)).toEqual(['unknown_variable', 'unknown_function']);
      const unknown = await create({ name: 'calls_unknown', sql_query: '@nowhere() && a = 1' }).expect(400);
      expect(unknown.body.details[0].code).toBe('unknown_macro');
      const arity = await create({ name: 'bad_arity', sql_query: "@has_role('a', 'b')" }).expect(400);
      expect(arity.body.details[0].code).toBe('argument_count');
      expect(await core.db.kysely.selectFrom('macros').select('name').where('name', 'in', ['broken_syntax', 'old_style', 'many_problems', 'calls_unknown', 'bad_arity']).execute()).toEqual([]);
    });

    it('accepts built-ins, auth variables and other macros in a body; rejects recursion', async () => {
      const leaf = await create({ name: 'leaf_m', sql_query: "kind = 'leaf'" }).expect(201);
      await create({ name: 'branch_m', sql_query: "@leaf_m() && @has_group('editors') && owner = @request.auth.id && @owns_record()" }).expect(201);
      const loop = await as('superadmin', 'put', `/api/v1/macros/${leaf.body.id}`).send({ sql_query: '@branch_m()' }).expect(400);
      expect(loop.body.code).toBe('invalid_rule');
      expect(loop.body.details[0].code).toBe('macro_recursion');
      const self = await create({ name: 'selfish', sql_query: '@selfish() && a = 1' }).expect(400);
      expect(self.body.details[0].code).toBe('macro_recursion');
      // A change that would break a macro calling it (arity) is refused too.
      const arity = await as('superadmin', 'put', `/api/v1/macros/${leaf.body.id}`).send({ sql_query: 'kind = k', parameters: ['k'] }).expect(400);
      expect(arity.body.details[0].field).toBe('macros.branch_m');
      // Deleting a macro another one calls is a conflict.
      const del = await as('superadmin', 'delete', `/api/v1/macros/${leaf.body.id}`).expect(409);
      expect(del.body.message).toBe("Cannot delete macro 'leaf_m': it is used by macro(s) @branch_m");
    });
  });

  describe('the test endpoint', () => {
    let statusIs: number;
    let ownedBy: number;
    const recordA = randomUUID();
    const recordB = randomUUID();

    beforeAll(async () => {
      await defineCollection(core, { name: 'notes', fields: [{ name: 'status', type: 'text' }, { name: 'owner', type: 'text' }, { name: 'score', type: 'number' }] });
      statusIs = (await create({ name: 'note_status', sql_query: 'status = s', parameters: ['s'] }).expect(201)).body.id;
      ownedBy = (await create({ name: 'mine_in_group', sql_query: "owner = @request.auth.id && @has_group('editors')" }).expect(201)).body.id;
      const now = new Date().toISOString();
      await dynamicTenantTable(core.db.kysely, accountScope(A.id), 'col_notes')
        .insert({ id: recordA, status: 'published', owner: ids.userA, score: 5, created_by: ids.userA, updated_by: ids.userA, created_at: now, updated_at: now })
        .execute();
      await dynamicTenantTable(core.db.kysely, accountScope(B.id), 'col_notes')
        .insert({ id: recordB, status: 'published', owner: ids.userB, score: 5, created_by: ids.userB, updated_by: ids.userB, created_at: now, updated_at: now })
        .execute();
      const group = randomUUID();
      await tenantTable(core.db.kysely, accountScope(A.id), 'groups').insert({ id: group, name: 'editors', description: null, created_at: now, updated_at: now }).execute();
      await core.db.kysely.insertInto('users_groups').values({ user_id: ids.userA, group_id: group }).execute();
    });
    const test = (id: number, body: object) => as('superadmin', 'post', `/api/v1/macros/${id}/test`).send(body);

    it('checks the parameter count (422)', async () => {
      const res = await test(statusIs, {}).expect(422);
      expect(res.body.message).toBe('Expected 1 parameters, got 0');
      expect((await test(statusIs, { parameters: ['a', 'b'] }).expect(422)).body.message).toBe('Expected 1 parameters, got 2');
    });

    it('expands without a record', async () => {
      const res = await test(statusIs, { parameters: ["it's"] }).expect(200);
      expect(res.body).toEqual({ result: null, expanded: "status = 'it\\'s'", execution_time: expect.any(Number), rows_affected: 0 });
    });

    it('evaluates against a record as a user, true and false', async () => {
      const hit = await test(statusIs, { parameters: ['published'], collection: 'notes', record_id: recordA, account_id: A.id }).expect(200);
      expect(hit.body).toMatchObject({ result: true, expanded: "status = 'published'", rows_affected: 0 });
      expect((await test(statusIs, { parameters: ['draft'], collection: 'notes', record_id: recordA, account_id: A.id }).expect(200)).body.result).toBe(false);
      const mine = await test(ownedBy, { collection: 'notes', record_id: recordA, account_id: A.id, user_id: ids.userA }).expect(200);
      expect(mine.body.result).toBe(true);
      expect((await test(ownedBy, { collection: 'notes', record_id: recordA, account_id: A.id, user_id: ids.adminA }).expect(200)).body.result).toBe(false);
      // Anonymous: @request.auth.id is NULL, so the comparison is UNKNOWN and the group check false.
      expect((await test(ownedBy, { collection: 'notes', record_id: recordA, account_id: A.id }).expect(200)).body.result).toBe(false);
    });

    it('never crosses accounts: another account’s record or user is a 404 like a missing one', async () => {
      const other = await test(statusIs, { parameters: ['published'], collection: 'notes', record_id: recordB, account_id: A.id }).expect(404);
      const missing = await test(statusIs, { parameters: ['published'], collection: 'notes', record_id: randomUUID(), account_id: A.id }).expect(404);
      expect(other.body.message).toBe(missing.body.message);
      const userB = await test(ownedBy, { collection: 'notes', record_id: recordA, account_id: A.id, user_id: ids.userB }).expect(404);
      const nobody = await test(ownedBy, { collection: 'notes', record_id: recordA, account_id: A.id, user_id: randomUUID() }).expect(404);
      expect(userB.body.message).toBe(nobody.body.message);
      expect((await test(statusIs, { parameters: ['x'], collection: 'nope', record_id: recordA, account_id: A.id }).expect(404)).body.message).toBe("Collection 'nope' not found");
      await test(statusIs, { parameters: ['x'], collection: 'notes', record_id: recordA }).expect(422);
      await test(9999999, { parameters: [] }).expect(404);
    });
  });

  describe('macros inside collection rules', () => {
    let macroId: number;
    beforeAll(async () => {
      await defineCollection(core, { name: 'posts', fields: [{ name: 'status', type: 'text' }] });
      macroId = (await create({ name: 'my_macro', sql_query: 'status = s', parameters: ['s'] }).expect(201)).body.id;
      await setRules(core, 'posts', { list_rule: "@my_macro('x')" });
    });

    it('compiles and matches through the gates, and follows a change of the macro at once', async () => {
      const caller = await core.gates.callerOf(ctxOf(ids.userA, A.id));
      const model = await core.catalog.byName('posts');
      if (!model) throw new Error('posts missing');
      const gate = await core.gates.gate(caller, model, 'list');
      expect(gate.kind).toBe('where');
      expect(core.gates.admits(gate, { status: 'x' })).toBe(true);
      expect(core.gates.admits(gate, { status: 'y' })).toBe(false);
      await as('superadmin', 'put', `/api/v1/macros/${macroId}`).send({ sql_query: "status = s || status = 'y'" }).expect(200);
      const changed = await core.gates.gate(caller, model, 'list');
      expect(core.gates.admits(changed, { status: 'y' })).toBe(true);
      expect(core.gates.admits(changed, { status: 'z' })).toBe(false);
    });

    it('refuses a change that would break the rule, a rename, and the delete (409)', async () => {
      const arity = await as('superadmin', 'put', `/api/v1/macros/${macroId}`).send({ sql_query: "status = 'x'", parameters: [] }).expect(400);
      expect(arity.body).toMatchObject({ code: 'invalid_rule' });
      expect(arity.body.details[0].field).toBe('collections.posts.list_rule');
      await as('superadmin', 'put', `/api/v1/macros/${macroId}`).send({ name: 'renamed_macro' }).expect(400);
      const del = await as('superadmin', 'delete', `/api/v1/macros/${macroId}`).expect(409);
      expect(del.body.message).toBe("Cannot delete macro 'my_macro': it is used in 1 collection rule(s)");
      await as('superadmin', 'get', `/api/v1/macros/${macroId}`).expect(200);
    });

    it('deletes once no rule uses it (204, then 404)', async () => {
      await setRules(core, 'posts', { list_rule: "status = 'x'" });
      const del = await as('superadmin', 'delete', `/api/v1/macros/${macroId}`).expect(204);
      expect(del.text).toBe('');
      expect((await as('superadmin', 'get', `/api/v1/macros/${macroId}`).expect(404)).body.message).toBe('Macro not found');
      await as('superadmin', 'delete', `/api/v1/macros/${macroId}`).expect(404);
      await as('superadmin', 'get', '/api/v1/macros/abc').expect(422);
    });
  });

  it('documents the routes in OpenAPI', () => {
    const doc = buildOpenApiDocument(registry.routes, { title: 'SnackBase', version: '0' }) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/api/v1/macros'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/api/v1/macros/{id}'] ?? {}).sort()).toEqual(['delete', 'get', 'put']);
    expect(Object.keys(doc.paths['/api/v1/macros/{id}/test'] ?? {})).toEqual(['post']);
  });
});

describe('macros contract schemas', () => {
  const schemas = Object.entries(contract).filter(([name]) => /^\w*[mM]acro\w*Schema$/.test(name));
  it.each(schemas)('%s compiles under strict Ajv', (_name, schema) => {
    expect(() => new Ajv({ strict: true }).compile(schema as object)).not.toThrow();
  });
  it('has every schema it should', () => expect(schemas).toHaveLength(7));
});
