import { randomUUID } from 'node:crypto';
import Ajv from 'ajv';
import express, { type Express } from 'express';
import { sql } from 'kysely';
import request from 'supertest';
import { hashPassword } from '@snackbase/auth';
import * as contract from '@snackbase/contract';
import { createAudit, createSuperadmin, systemContext, type Audit, type Core, type RequestContext } from '@snackbase/core';
import { accountScope, tenantTable } from '@snackbase/tenancy';
import { TEST_DIALECTS } from '@snackbase/testing';
import { buildOpenApiDocument } from '../openapi/openapi-document';
import { RouteRegistry } from '../openapi/route-registry';
import { signIn, startTestServer, type TestServer } from '../test-support/test-server';
import { registerAuditRoutes } from './audit-routes';

const PASSWORD = 'Correct-Horse-9!';
type Caller = 'anonymous' | 'userA' | 'adminA' | 'superadmin';

describe.each(TEST_DIALECTS)('audit routes on %s', (dialect) => {
  let server: TestServer;
  let core: Core;
  let app: Express;
  let registry: RouteRegistry;
  const A = { id: randomUUID(), code: 'AA0001' };
  const ids = { userA: randomUUID(), adminA: randomUUID() };
  const tokens: Partial<Record<Caller, string>> = {};
  const ctxA: RequestContext = {
    principal: { kind: 'user', userId: ids.adminA, accountId: A.id, email: 'adm@acme.test', role: 'admin', sessionId: 's', isSuperadmin: false },
    requestId: 'cid_fixture',
    ip: '198.51.100.4',
  };

  function as(caller: Caller, method: 'get' | 'post', url: string) {
    const req = request(app)[method](url);
    const token = tokens[caller];
    return token ? req.set('Authorization', `Bearer ${token}`) : req;
  }
  const record = (change: Parameters<Audit['record']>[2]) => core.db.transaction((trx) => core.audit.record(trx, ctxA, change));

  beforeAll(async () => {
    // The core's own writes (superadmin, logins) stay out of the chain, so the fixture entries are ids 1–5.
    server = await startTestServer(dialect, { env: { SNACKBASE_AUDIT_LOGGING_ENABLED: 'false' } });
    ({ core, app } = server);
    const quiet = core.audit;
    // The fixtures and the audit routes (which read `core.audit` per request) use a log that records.
    Object.assign(core, { audit: createAudit({ db: core.db, config: { auditLoggingEnabled: true }, logger: core.logger }) });
    // The routes the OpenAPI test documents, registered on a router of their own.
    registry = new RouteRegistry();
    registerAuditRoutes(registry, express.Router(), core);
    await createSuperadmin(systemContext('test'), { db: core.db, audit: quiet }, { email: 'root@example.com', password: PASSWORD });
    await core.db.kysely.insertInto('accounts').values({ id: A.id, account_code: A.code, slug: 'acme', name: 'Acme' }).execute();
    for (const [id, email, role] of [[ids.userA, 'ann@acme.test', 2], [ids.adminA, 'adm@acme.test', 1]] as const) {
      await tenantTable(core.db.kysely, accountScope(A.id), 'users').insert({ id, email, password_hash: await hashPassword(PASSWORD), role_id: role, email_verified: true }).execute();
    }
    for (const [caller, account, email] of [['userA', 'acme', 'ann@acme.test'], ['adminA', 'acme', 'adm@acme.test'], ['superadmin', 'system', 'root@example.com']] as const) {
      tokens[caller] = await signIn(app, account, email, PASSWORD);
    }
    await record({ operation: 'CREATE', table: 'groups', recordId: 'g1', accountId: A.id, after: { name: 'Ops', description: 'a, "b"' } }); // 1, 2
    await record({ operation: 'UPDATE', table: 'groups', recordId: 'g1', accountId: A.id, before: { name: 'Ops' }, after: { name: 'Dev' } }); // 3
    await record({ operation: 'CREATE', table: 'col_posts', recordId: 'p1', after: { title: 'Hi', password: 'never-stored' } }); // 4, 5
  });
  afterAll(() => server?.close());

  const ENDPOINTS: ReadonlyArray<[string, 'get' | 'post', string]> = [
    ['list', 'get', '/api/v1/audit-logs'],
    ['get', 'get', '/api/v1/audit-logs/1'],
    ['export', 'get', '/api/v1/audit-logs/export?format=json'],
    ['head', 'get', '/api/v1/audit-logs/head'],
    ['verify', 'post', '/api/v1/audit-logs/verify'],
  ];
  it.each(ENDPOINTS.flatMap(([name, method, url]) => (['anonymous', 'userA', 'adminA', 'superadmin'] as const).map((c) => [name, c, method, url] as const)))(
    '%s as %s',
    async (_name, caller, method, url) => {
      const res = await as(caller, method, url);
      const expected = { anonymous: 401, userA: 403, adminA: 403, superadmin: 200 }[caller];
      expect(res.status).toBe(expected);
      if (expected === 401) expect(res.body.code).toBe('unauthorized');
      if (expected === 403) expect(res.body).toMatchObject({ code: 'forbidden', message: 'Superadmin access required' });
    },
  );

  it('lists, filters and pages with the reference envelope', async () => {
    const all = await as('superadmin', 'get', '/api/v1/audit-logs/').expect(200);
    expect(all.body).toMatchObject({ total: 5, skip: 0, limit: 50, audit_logging_enabled: true });
    expect(all.body.items.map((i: { id: number }) => i.id)).toEqual([5, 4, 3, 2, 1]);
    expect(all.body.items[4]).toMatchObject({ operation: 'CREATE', table_name: 'groups', column_name: 'name', new_value: 'Ops', user_email: 'adm@acme.test', ip_address: '198.51.100.4', request_id: 'cid_fixture', previous_hash: null });
    expect(all.body.items.find((i: { column_name: string }) => i.column_name === 'password').new_value).toBe('[redacted]');
    const page = await as('superadmin', 'get', `/api/v1/audit-logs?account_id=${A.id}&table_name=groups&skip=1&limit=1&sort_by=id&sort_order=asc`).expect(200);
    expect(page.body).toMatchObject({ total: 3, skip: 1, limit: 1, items: [{ id: 2 }] });
    const updates = await as('superadmin', 'get', `/api/v1/audit-logs?operation=UPDATE&user_id=${ids.adminA}&from_date=2000-01-01&to_date=2999-01-01T00:00:00Z`).expect(200);
    expect(updates.body.items.map((i: { id: number }) => i.id)).toEqual([3]);
  });

  it.each([
    ['limit=0'],
    ['limit=501'],
    ['skip=-1'],
    ['sort_order=up'],
    ['operation=MERGE'],
    ['from_date=yesterday'],
    ['table_name=a&table_name=b'],
  ])('refuses ?%s with 422', async (query) => {
    const res = await as('superadmin', 'get', `/api/v1/audit-logs?${query}`).expect(422);
    expect(res.body).toMatchObject({ code: 'invalid_request', details: expect.any(Array) });
  });

  it('gets one entry; an unknown id is 404 and a non-integer 422', async () => {
    expect((await as('superadmin', 'get', '/api/v1/audit-logs/3').expect(200)).body).toMatchObject({ id: 3, old_value: 'Ops', new_value: 'Dev' });
    expect((await as('superadmin', 'get', '/api/v1/audit-logs/999').expect(404)).body).toMatchObject({ code: 'not_found', message: 'Audit log entry 999 not found' });
    await as('superadmin', 'get', '/api/v1/audit-logs/abc').expect(422);
  });

  it('exports CSV as an attachment, quoted, newest first', async () => {
    const res = await as('superadmin', 'get', '/api/v1/audit-logs/export?format=csv&table_name=groups').expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="audit_logs_\d{8}_\d{6}\.csv"$/);
    const lines = res.text.split('\r\n');
    expect(lines[0]).toBe('ID,Timestamp,Operation,Table,Record ID,Column,Old Value,New Value,User,IP Address,Checksum');
    expect(lines.slice(1, 4).map((l) => l.split(',')[0])).toEqual(['3', '2', '1']);
    expect(lines.find((l) => l.includes(',description,'))).toMatch(/,description,,"a, ""b""",adm@acme\.test,198\.51\.100\.4,[0-9a-f]{64}$/);
    expect(lines.at(-1)).toBe('');
  });

  it('exports JSON (csv by default); pdf is refused', async () => {
    const res = await as('superadmin', 'get', '/api/v1/audit-logs/export?format=json').expect(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/filename="audit_logs_\d{8}_\d{6}\.json"/);
    expect(JSON.parse(res.text).map((r: { id: number }) => r.id)).toEqual([5, 4, 3, 2, 1]);
    expect((await as('superadmin', 'get', '/api/v1/audit-logs/export').expect(200)).headers['content-type']).toMatch(/^text\/csv/);
    await as('superadmin', 'get', '/api/v1/audit-logs/export?format=pdf').expect(422);
    await as('superadmin', 'get', '/api/v1/audit-logs/export?from_date=nope').expect(422);
  });

  it('gives the head as an anchor and verifies against it', async () => {
    const head = (await as('superadmin', 'get', '/api/v1/audit-logs/head').expect(200)).body;
    expect(head).toEqual({ id: 5, checksum: expect.stringMatching(/^[0-9a-f]{64}$/), exported_at: expect.any(String) });
    const ok = await as('superadmin', 'post', '/api/v1/audit-logs/verify').send({ expected_head: { id: head.id, checksum: head.checksum } }).expect(200);
    expect(ok.body).toEqual({ valid: true, checked: 5, head: { id: 5, checksum: head.checksum } });
    const ahead = await as('superadmin', 'post', '/api/v1/audit-logs/verify').send({ expected_head: { id: 9, checksum: head.checksum } }).expect(200);
    expect(ahead.body).toMatchObject({ valid: false, first_broken_id: 6, reason: 'head mismatch: chain ends at 5, anchor says 9' });
    await as('superadmin', 'post', '/api/v1/audit-logs/verify').send({ expected_head: { id: 1, checksum: 'nothex' } }).expect(422);
    await as('superadmin', 'post', '/api/v1/audit-logs/verify').send({ from_id: 0 }).expect(422);
  });

  // Runs last: it breaks the chain.
  it('reports a tampered chain, naming the altered entry', async () => {
    if (dialect === 'postgres') await sql`alter table audit_log disable trigger user`.execute(core.db.kysely);
    else await sql`drop trigger audit_log_no_update`.execute(core.db.kysely);
    await core.db.kysely.updateTable('audit_log').set({ new_value: 'Ops!' }).where('id', '=', 3).execute();
    const res = await as('superadmin', 'post', '/api/v1/audit-logs/verify').expect(200);
    expect(res.body).toMatchObject({ valid: false, checked: 3, first_broken_id: 3, reason: expect.stringMatching(/checksum mismatch/) });
    const ranged = await as('superadmin', 'post', '/api/v1/audit-logs/verify').send({ from_id: 4, to_id: 5 }).expect(200);
    expect(ranged.body).toMatchObject({ valid: true, checked: 2 });
  });

  it('documents the routes in OpenAPI', () => {
    const doc = buildOpenApiDocument(registry.routes, { title: 'SnackBase', version: '0' }) as { paths: Record<string, Record<string, unknown>> };
    for (const path of ['/api/v1/audit-logs', '/api/v1/audit-logs/{id}', '/api/v1/audit-logs/export', '/api/v1/audit-logs/head']) expect(Object.keys(doc.paths[path] ?? {})).toEqual(['get']);
    expect(Object.keys(doc.paths['/api/v1/audit-logs/verify'] ?? {})).toEqual(['post']);
  });
});

describe('audit contract schemas', () => {
  const schemas = Object.entries(contract).filter(([name]) => /^audit\w*Schema$/.test(name));
  it.each(schemas)('%s compiles under strict Ajv', (_name, schema) => {
    expect(() => new Ajv({ strict: true }).compile(schema as object)).not.toThrow();
  });
  it('has every schema it should', () => expect(schemas).toHaveLength(7));
});
