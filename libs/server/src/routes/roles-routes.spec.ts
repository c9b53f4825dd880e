import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { hashPassword } from '@snackbase/auth';
import { createSuperadmin, systemContext, type Core } from '@snackbase/core';
import { accountScope, tenantTable } from '@snackbase/tenancy';
import { TEST_DIALECTS } from '@snackbase/testing';
import { signIn as signInAs, startTestServer, type TestServer } from '../test-support/test-server';

const PASSWORD = 'Correct-Horse-9!';
type Caller = 'anonymous' | 'userA' | 'adminA' | 'superadmin';

describe.each(TEST_DIALECTS)('roles routes on %s', (dialect) => {
  let server: TestServer;
  let core: Core;
  let app: Express;
  const A = randomUUID();
  const tokens: Partial<Record<Caller, string>> = {};

  function as(caller: Caller, method: 'get' | 'post' | 'put' | 'delete', url: string) {
    const req = request(app)[method](url);
    const token = tokens[caller];
    return token ? req.set('Authorization', `Bearer ${token}`) : req;
  }
  async function addUser(email: string, roleId: number) {
    await tenantTable(core.db.kysely, accountScope(A), 'users').insert({ id: randomUUID(), email, password_hash: await hashPassword(PASSWORD), role_id: roleId, email_verified: true }).execute();
  }
  async function signIn(caller: Caller, account: string, email: string) {
    tokens[caller] = await signInAs(app, account, email, PASSWORD);
  }

  beforeAll(async () => {
    server = await startTestServer(dialect);
    ({ core, app } = server);
    await createSuperadmin(systemContext('test'), core, { email: 'root@example.com', password: PASSWORD });
    await core.db.kysely.insertInto('accounts').values({ id: A, account_code: 'AA0001', slug: 'acme', name: 'Acme' }).execute();
    await addUser('ann@acme.test', 2);
    await addUser('adm@acme.test', 1);
    await signIn('userA', 'acme', 'ann@acme.test');
    await signIn('adminA', 'acme', 'adm@acme.test');
    await signIn('superadmin', 'system', 'root@example.com');
  });
  afterAll(() => server?.close());

  const endpoints = [
    ['get', '/api/v1/roles', undefined],
    ['post', '/api/v1/roles', { name: 'sneaky' }],
    ['get', '/api/v1/roles/2', undefined],
    ['put', '/api/v1/roles/2', { name: 'sneaky' }],
    ['delete', '/api/v1/roles/2', undefined],
    ['post', '/api/v1/roles', { name: 42 }],
  ] as const;
  it.each(
    endpoints.flatMap(([m, u, b]) =>
      [
        ['anonymous', 401],
        ['userA', 403],
        ['adminA', 403],
      ].map(([c, s]) => [m, u, b, c as Caller, s as number] as const),
    ),
  )('%s %s %j as %s → %d', async (method, url, body, caller, status) => {
    const req = as(caller, method, url);
    const res = await (body ? req.send(body) : req).expect(status);
    expect(res.body.code).toBe(status === 401 ? 'unauthorized' : 'forbidden');
    expect((await core.db.kysely.selectFrom('roles').select('name').orderBy('id').execute()).map((r) => r.name).slice(0, 2)).toEqual(['admin', 'user']);
  });

  it('lets a superadmin list, create, read, rename and delete roles', async () => {
    const list = await as('superadmin', 'get', '/api/v1/roles').expect(200);
    expect(list.body).toEqual({
      items: [
        { id: 1, name: 'admin', description: 'Administrator with full access' },
        { id: 2, name: 'user', description: 'Regular user with limited access' },
      ],
      total: 2,
    });
    const created = await as('superadmin', 'post', '/api/v1/roles').send({ name: '  editor ', description: 'Edits' }).expect(201);
    expect(created.body).toEqual({ id: 3, name: 'editor', description: 'Edits' });
    expect((await as('superadmin', 'get', '/api/v1/roles/3').expect(200)).body).toEqual(created.body);
    expect((await as('superadmin', 'put', '/api/v1/roles/3').send({ name: 'writer', description: null }).expect(200)).body).toEqual({ id: 3, name: 'writer', description: null });
    const dup = await as('superadmin', 'post', '/api/v1/roles').send({ name: 'writer' }).expect(409);
    expect(dup.body).toMatchObject({ error: 'Conflict', message: "Role with name 'writer' already exists", code: 'unique_violation', field: 'name' });
    const del = await as('superadmin', 'delete', '/api/v1/roles/3').expect(204);
    expect(del.text).toBe('');
    expect(del.headers['content-type']).toBeUndefined();
    const gone = await as('superadmin', 'get', '/api/v1/roles/3').expect(404);
    expect(gone.body).toMatchObject({ error: 'Not found', message: 'Role with ID 3 not found', code: 'not_found' });
  });

  it.each([
    [1, "Cannot delete default role 'admin'"],
    [2, "Cannot delete default role 'user'"],
  ])('never deletes seeded role %d', async (id, message) => {
    const res = await as('superadmin', 'delete', `/api/v1/roles/${id}`).expect(422);
    expect(res.body.message).toBe(message);
    await as('superadmin', 'get', `/api/v1/roles/${id}`).expect(200);
  });

  it('keeps the seeded names and refuses to delete a role users still hold', async () => {
    await as('superadmin', 'put', '/api/v1/roles/1').send({ name: 'boss' }).expect(422);
    await as('superadmin', 'put', '/api/v1/roles/1').send({ name: 'admin', description: 'Admins' }).expect(200);
    const held = (await as('superadmin', 'post', '/api/v1/roles').send({ name: 'held' }).expect(201)).body as { id: number };
    await addUser('held@acme.test', held.id);
    const res = await as('superadmin', 'delete', `/api/v1/roles/${held.id}`).expect(409);
    expect(res.body.code).toBe('conflict');
    await as('superadmin', 'get', `/api/v1/roles/${held.id}`).expect(200);
  });

  it.each([
    ['post', '/api/v1/roles', {}],
    ['post', '/api/v1/roles', { name: '   ' }],
    ['post', '/api/v1/roles', { name: 'x'.repeat(51) }],
    ['put', '/api/v1/roles/2', { description: 'no name' }],
    ['get', '/api/v1/roles/abc', undefined],
    ['delete', '/api/v1/roles/1.5', undefined],
  ] as const)('%s %s with %j is a 422', async (method, url, body) => {
    const req = as('superadmin', method, url);
    const res = await (body ? req.send(body) : req).expect(422);
    expect(res.body.code).toBe('invalid_request');
  });

  it('answers an unknown role with 404 on every verb', async () => {
    await as('superadmin', 'get', '/api/v1/roles/999').expect(404);
    await as('superadmin', 'put', '/api/v1/roles/999').send({ name: 'x' }).expect(404);
    await as('superadmin', 'delete', '/api/v1/roles/999').expect(404);
  });
});
