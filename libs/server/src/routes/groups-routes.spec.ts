import { randomUUID } from 'node:crypto';
import Ajv from 'ajv';
import express, { type Express } from 'express';
import request from 'supertest';
import * as contract from '@snackbase/contract';
import { createSuperadmin, SYSTEM_ACCOUNT_ID, systemContext, type Core, type RequestContext } from '@snackbase/core';
import { accountScope, tenantTable } from '@snackbase/tenancy';
import { TEST_DIALECTS } from '@snackbase/testing';
import { buildOpenApiDocument } from '../openapi/openapi-document';
import { RouteRegistry } from '../openapi/route-registry';
import { signIn as signInAs, startTestServer, type TestServer } from '../test-support/test-server';
import { addVerifiedUser, insertTwoAccounts } from '../test-support/two-accounts';
import { registerGroupsRoutes } from './groups-routes';
import { registerRolesRoutes } from './roles-routes';

const PASSWORD = 'Correct-Horse-9!';
type Caller = 'anonymous' | 'userA' | 'adminA' | 'userB' | 'superadmin';
const CALLERS: readonly Caller[] = ['anonymous', 'userA', 'adminA', 'userB', 'superadmin'];

describe.each(TEST_DIALECTS)('groups routes on %s', (dialect) => {
  let server: TestServer;
  let core: Core;
  let app: Express;
  let registry: RouteRegistry;
  const A = { id: randomUUID(), code: 'AA0001' };
  const B = { id: randomUUID(), code: 'BB0001' };
  const ids = { userA: randomUUID(), adminA: randomUUID(), memberA: randomUUID(), userB: randomUUID() };
  const tokens: Partial<Record<Caller, string>> = {};
  const ctxA: RequestContext = { principal: { kind: 'user', userId: ids.adminA, accountId: A.id, email: 'adm@acme.test', role: 'admin', sessionId: 's', isSuperadmin: false }, requestId: 'cid_fixture' };

  const addUser = (accountId: string, id: string, email: string, roleId = 2) => addVerifiedUser(core, accountId, { id, email, password: PASSWORD, roleId });
  async function signIn(caller: Caller, account: string, email: string) {
    tokens[caller] = await signInAs(app, account, email, PASSWORD);
  }
  /** A request as `caller` (no Authorization header for anonymous). */
  function as(caller: Caller, method: 'get' | 'post' | 'patch' | 'delete', url: string) {
    const req = request(app)[method](url);
    const token = tokens[caller];
    return token ? req.set('Authorization', `Bearer ${token}`) : req;
  }
  const membersOf = (groupId: string) => core.db.kysely.selectFrom('users_groups').select('user_id').where('group_id', '=', groupId).execute();
  const groupRow = (groupId: string) => tenantTable(core.db.kysely, accountScope(A.id), 'groups').select().selectAll().where('id', '=', groupId).executeTakeFirst();
  const freshGroupOfA = async () => {
    const g = await core.groups.create(ctxA, { name: `g-${randomUUID()}`, description: 'orig' });
    await core.groups.addUser(ctxA, g.id, ids.memberA);
    return g.id;
  };

  beforeAll(async () => {
    server = await startTestServer(dialect);
    ({ core, app } = server);
    // The routes the OpenAPI test documents, registered on a router of their own.
    registry = new RouteRegistry();
    registerGroupsRoutes(registry, express.Router(), core);
    registerRolesRoutes(registry, express.Router(), core);
    await createSuperadmin(systemContext('test'), core, { email: 'root@example.com', password: PASSWORD });
    await insertTwoAccounts(core, { A, B });
    await addUser(A.id, ids.userA, 'ann@acme.test');
    await addUser(A.id, ids.adminA, 'adm@acme.test', 1);
    await addUser(A.id, ids.memberA, 'mel@acme.test');
    await addUser(B.id, ids.userB, 'bob@bolt.test');
    await signIn('userA', 'acme', 'ann@acme.test');
    await signIn('adminA', 'acme', 'adm@acme.test');
    await signIn('userB', 'bolt', 'bob@bolt.test');
    await signIn('superadmin', 'system', 'root@example.com');
  });
  afterAll(() => server?.close());

  describe('tenancy matrix', () => {
    // Status per caller; user B must get exactly what a missing group gets.
    const OWN = { anonymous: 401, userA: 0, adminA: 0, userB: 404, superadmin: 0 } as const;
    const rows: ReadonlyArray<[string, 'get' | 'patch' | 'delete' | 'post', (g: string) => string, (() => object) | undefined, number]> = [
      ['GET /groups/:id', 'get', (g) => `/api/v1/groups/${g}`, undefined, 200],
      ['PATCH /groups/:id', 'patch', (g) => `/api/v1/groups/${g}`, () => ({ name: `renamed-${randomUUID()}`, description: 'changed' }), 200],
      ['DELETE /groups/:id', 'delete', (g) => `/api/v1/groups/${g}`, undefined, 204],
      ['POST /groups/:id/users', 'post', (g) => `/api/v1/groups/${g}/users`, () => ({ user_id: ids.userA }), 201],
      ['DELETE /groups/:id/users/:user_id', 'delete', (g) => `/api/v1/groups/${g}/users/${ids.memberA}`, undefined, 204],
    ];
    const cases = rows.flatMap(([name, method, url, body, ok]) => CALLERS.map((caller) => [name, caller, method, url, body, OWN[caller] || ok] as const));

    it.each(cases)('%s as %s', async (_name, caller, method, url, body, status) => {
      const g = await freshGroupOfA();
      const payload = body?.();
      const before = { row: await groupRow(g), members: await membersOf(g) };
      const req = as(caller, method, url(g));
      const res = await (payload ? req.send(payload) : req).expect(status);
      if (status === 404) expect(res.body).toMatchObject({ error: 'Not found', message: 'Group not found', code: 'not_found' });
      if (status === 401) expect(res.body.code).toBe('unauthorized');
      if (status >= 400) expect({ row: await groupRow(g), members: await membersOf(g) }).toEqual(before);
    });

    it.each(CALLERS)('GET /groups as %s shows only what the caller may see', async (caller) => {
      const g = await freshGroupOfA();
      const res = await as(caller, 'get', '/api/v1/groups?limit=1000').expect(caller === 'anonymous' ? 401 : 200);
      if (caller === 'anonymous') return;
      const accounts = new Set((res.body as Array<{ account_id: string }>).map((x) => x.account_id));
      const seesA = (res.body as Array<{ id: string }>).some((x) => x.id === g);
      expect(seesA).toBe(caller !== 'userB');
      if (caller === 'userB') expect([...accounts].every((a) => a === B.id)).toBe(true);
      if (caller === 'userA' || caller === 'adminA') expect([...accounts]).toEqual([A.id]);
    });

    it.each(CALLERS)('POST /groups as %s lands in the caller’s account, whatever account_id says', async (caller) => {
      const res = await as(caller, 'post', '/api/v1/groups').send({ name: `n-${caller}`, account_id: caller === 'userA' || caller === 'adminA' ? B.id : A.id });
      const expected = { anonymous: undefined, userA: A.id, adminA: A.id, userB: B.id, superadmin: A.id }[caller];
      expect(res.status).toBe(caller === 'anonymous' ? 401 : 201);
      if (expected) expect(res.body).toMatchObject({ account_id: expected, member_count: 0, users: [] });
    });

    it.each([
      ['get', ''],
      ['patch', ''],
      ['delete', ''],
      ['post', '/users'],
      ['delete', `/users/USER`],
    ] as const)('a forged group id → 404 (%s %s)', async (method, suffix) => {
      const url = `/api/v1/groups/${randomUUID()}${suffix.replace('USER', ids.userA)}`;
      const req = as('userA', method, url);
      const res = await (method === 'patch' ? req.send({ description: 'x' }) : suffix === '/users' ? req.send({ user_id: ids.userA }) : req).expect(404);
      expect(res.body.message).toBe('Group not found');
    });

    it('refuses a user of another account like a missing one, writing nothing', async () => {
      const g = await freshGroupOfA();
      const stranger = await as('adminA', 'post', `/api/v1/groups/${g}/users`).send({ user_id: ids.userB }).expect(400);
      const missing = await as('adminA', 'post', `/api/v1/groups/${g}/users`).send({ user_id: randomUUID() }).expect(400);
      const shape = (b: Record<string, unknown>) => ({ ...b, request_id: undefined });
      expect(shape(stranger.body)).toEqual(shape(missing.body));
      expect(stranger.body).toMatchObject({ code: 'validation_failed', details: [{ field: 'user_id', code: 'invalid_reference' }] });
      expect((await membersOf(g)).map((m) => m.user_id)).toEqual([ids.memberA]);
      // Even a superadmin cannot put B's user into A's group.
      await as('superadmin', 'post', `/api/v1/groups/${g}/users`).send({ user_id: ids.userB }).expect(400);
      // And removing a stranger is a no-op that says nothing.
      await as('adminA', 'delete', `/api/v1/groups/${g}/users/${ids.userB}`).expect(204);
      expect((await membersOf(g)).map((m) => m.user_id)).toEqual([ids.memberA]);
    });
  });

  it('creates, reads, updates, lists and deletes a group with members', async () => {
    const created = await as('userA', 'post', '/api/v1/groups').send({ name: 'Editors', description: 'They edit', extra: 'ignored' }).expect(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'Editors',
      description: 'They edit',
      account_id: A.id,
      account_code: A.code,
      member_count: 0,
      created_at: expect.any(String),
      updated_at: expect.any(String),
      users: [],
    });
    const id = created.body.id as string;
    expect((await as('userA', 'post', `/api/v1/groups/${id}/users`).send({ user_id: ids.memberA }).expect(201)).body).toEqual({ message: 'User added to group' });
    const detail = (await as('userA', 'get', `/api/v1/groups/${id}`).expect(200)).body;
    expect(detail.member_count).toBe(1);
    expect(detail.users).toEqual([
      expect.objectContaining({ id: ids.memberA, email: 'mel@acme.test', account_id: A.id, account_code: A.code, account_name: 'Acme', role_id: 2, role_name: 'user', is_active: true, email_verified: true }),
    ]);
    const patched = await as('userA', 'patch', `/api/v1/groups/${id}`).send({ name: 'Writers', account_id: B.id }).expect(200);
    expect(patched.body).toMatchObject({ name: 'Writers', description: 'They edit', account_id: A.id });
    const del = await as('userA', 'delete', `/api/v1/groups/${id}/users/${ids.memberA}`).expect(204);
    expect(del.text).toBe('');
    expect(del.headers['content-type']).toBeUndefined();
    const gone = await as('userA', 'delete', `/api/v1/groups/${id}`).expect(204);
    expect(gone.headers['content-type']).toBeUndefined();
    await as('userA', 'get', `/api/v1/groups/${id}`).expect(404);
  });

  it('answers duplicates with 409 in the one error body', async () => {
    await as('userA', 'post', '/api/v1/groups').send({ name: 'Dup' }).expect(201);
    const res = await as('adminA', 'post', '/api/v1/groups').send({ name: 'Dup' }).expect(409);
    expect(res.body).toEqual({ error: 'Conflict', message: 'Group with this name already exists in the account', code: 'unique_violation', field: 'name', request_id: expect.any(String) });
    await as('userB', 'post', '/api/v1/groups').send({ name: 'Dup' }).expect(201);
    const g = await freshGroupOfA();
    const again = await as('userA', 'post', `/api/v1/groups/${g}/users`).send({ user_id: ids.memberA }).expect(409);
    expect(again.body).toMatchObject({ message: 'User already in group', code: 'conflict' });
  });

  it('pages with skip and limit', async () => {
    const all = (await as('userA', 'get', '/api/v1/groups?limit=1000').expect(200)).body as Array<{ id: string }>;
    const page = (await as('userA', 'get', '/api/v1/groups?skip=1&limit=2&page=9').expect(200)).body as Array<{ id: string }>;
    expect(page.map((g) => g.id)).toEqual(all.slice(1, 3).map((g) => g.id));
  });

  it.each([
    ['post', '/api/v1/groups', {}],
    ['post', '/api/v1/groups', { name: '' }],
    ['post', '/api/v1/groups', { name: '   ' }],
    ['post', '/api/v1/groups', { name: 'x'.repeat(101) }],
    ['post', '/api/v1/groups', { name: 42 }],
    ['post', '/api/v1/groups', { name: 'ok', description: 'd'.repeat(501) }],
    ['post', '/api/v1/groups', [1, 2]],
    ['patch', '/api/v1/groups/GROUP', { name: null }],
    ['post', '/api/v1/groups/GROUP/users', {}],
    ['post', '/api/v1/groups/GROUP/users', { user_id: 7 }],
    ['get', '/api/v1/groups?limit=-1', undefined],
    ['get', '/api/v1/groups?skip=abc', undefined],
  ] as const)('%s %s with %j is a 422', async (method, url, body) => {
    const g = await freshGroupOfA();
    const req = as('userA', method, url.replace('GROUP', g));
    const res = await (body ? req.send(body as object) : req).expect(422);
    expect(res.body).toMatchObject({ code: 'invalid_request', details: expect.any(Array) });
  });

  it('refuses unparseable JSON with 400', async () => {
    const res = await as('userA', 'post', '/api/v1/groups').set('Content-Type', 'application/json').send('{"name":').expect(400);
    expect(res.body.code).toBe('invalid_json');
  });

  it('lets a superadmin place a group in any account; an unknown account is a 404', async () => {
    const res = await as('superadmin', 'post', '/api/v1/groups').send({ name: 'Placed', account_id: B.id }).expect(201);
    expect(res.body.account_code).toBe(B.code);
    const own = await as('superadmin', 'post', '/api/v1/groups').send({ name: 'Own' }).expect(201);
    expect(own.body.account_id).toBe(SYSTEM_ACCOUNT_ID);
    const missing = await as('superadmin', 'post', '/api/v1/groups').send({ name: 'Lost', account_id: randomUUID() }).expect(404);
    expect(missing.body.message).toBe('Account not found');
    await as('superadmin', 'patch', `/api/v1/groups/${res.body.id}`).send({ description: 'by root' }).expect(200);
    await as('userB', 'get', `/api/v1/groups/${res.body.id}`).expect(200);
  });

  it('documents the routes in OpenAPI', () => {
    const doc = buildOpenApiDocument(registry.routes, { title: 'SnackBase', version: '0' }) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/api/v1/groups/{id}/users'] ?? {})).toEqual(['post']);
    expect(Object.keys(doc.paths['/api/v1/roles/{id}'] ?? {}).sort()).toEqual(['delete', 'get', 'put']);
  });
});

describe('groups and roles contract schemas', () => {
  const schemas = Object.entries(contract).filter(([name]) => /^(group|role|addGroupUser|createGroup|updateGroup|listGroups)\w*Schema$/.test(name));
  it.each(schemas)('%s compiles under strict Ajv', (_name, schema) => {
    expect(() => new Ajv({ strict: true }).compile(schema as object)).not.toThrow();
  });
  it('has every schema it should', () => expect(schemas).toHaveLength(11));
});
