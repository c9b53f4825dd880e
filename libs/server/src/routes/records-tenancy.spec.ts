import type { Express } from 'express';
import request from 'supertest';
import { TEST_DIALECTS } from '@snackbase/testing';
import { signIn as signInAs, startTestServer, type TestServer } from '../test-support/test-server';

/**
 * The tenancy matrix of the collection and record endpoints, generated from the OpenAPI
 * document: every such endpoint × {anonymous (X-Account-ID of B), user A, admin A, user B,
 * admin B, superadmin, API key}. The collection is PUBLIC for every operation, so nothing but the
 * account scope stands between B and A's rows: B's callers aim at A's real record id (and filter
 * for it) and must get no 2xx on it, no 500, and never A's id or values in any answer.
 */
const PASSWORD = 'Correct-Horse-9!';
const SA = { email: 'root@records-matrix.test', password: 'Root-Matrix-Pass-1!' };
const SECRET = 'alpha-only-secret-7f3a';

type Caller = 'anonymousB' | 'userA' | 'adminA' | 'userB' | 'adminB' | 'superadmin' | 'apiKey';
const B_SIDE: readonly Caller[] = ['anonymousB', 'userB', 'adminB'];

describe.each(TEST_DIALECTS)('records tenancy matrix on %s', (dialect) => {
  let server: TestServer;
  let app: Express;
  const auth: Partial<Record<Caller, Record<string, string>>> = { anonymousB: { 'X-Account-ID': 'beta' } };
  let aRecordId = '';
  let bRecordId = '';
  let collectionId = '';
  let routes: { method: string; path: string }[] = [];

  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  async function registerVerified(slug: string, email: string): Promise<string> {
    const r = (await request(app).post('/api/v1/auth/register').send({ email, password: PASSWORD, account_name: slug, account_slug: slug }).expect(201)).body;
    await request(app).post(`/api/v1/users/${r.user.id}/verify`).set(auth.superadmin!).expect(200);
    return r.account.id as string;
  }
  async function addUser(accountId: string, email: string): Promise<void> {
    const id = (await request(app).post('/api/v1/users').set(auth.superadmin!).send({ email, password: PASSWORD, account_id: accountId, role_id: 2 }).expect(201)).body.id;
    await request(app).post(`/api/v1/users/${id}/verify`).set(auth.superadmin!).expect(200);
  }

  beforeAll(async () => {
    server = await startTestServer(dialect, { env: { SNACKBASE_AUTH_RATE_LIMIT_PER_IP: '0', SNACKBASE_SUPERADMIN_EMAIL: SA.email, SNACKBASE_SUPERADMIN_PASSWORD: SA.password } });
    ({ app } = server);
    auth.superadmin = bearer(await signInAs(app, 'system', SA.email, SA.password));
    const A = await registerVerified('alpha', 'admin@alpha.test');
    const B = await registerVerified('beta', 'admin@beta.test');
    await addUser(A, 'user@alpha.test');
    await addUser(B, 'user@beta.test');
    auth.adminA = bearer(await signInAs(app, 'alpha', 'admin@alpha.test', PASSWORD));
    auth.userA = bearer(await signInAs(app, 'alpha', 'user@alpha.test', PASSWORD));
    auth.adminB = bearer(await signInAs(app, 'beta', 'admin@beta.test', PASSWORD));
    auth.userB = bearer(await signInAs(app, 'beta', 'user@beta.test', PASSWORD));
    const key = (await request(app).post('/api/v1/admin/api-keys').set(auth.superadmin).send({ name: 'matrix key' }).expect(201)).body;
    auth.apiKey = { 'X-API-Key': key.key };
    const rules = { list_rule: '', view_rule: '', create_rule: '', update_rule: '', delete_rule: '' };
    const schema = [
      { name: 'title', type: 'text', required: true },
      { name: 'code', type: 'text', unique: true },
      { name: 'amount', type: 'number' },
    ];
    collectionId = (await request(app).post('/api/v1/collections').set(auth.superadmin).send({ name: 'notes', schema, ...rules }).expect(201)).body.id;
    aRecordId = (await request(app).post('/api/v1/records/notes').set(auth.userA).send({ title: SECRET, code: 'A-1', amount: 41 }).expect(201)).body.id;
    bRecordId = (await request(app).post('/api/v1/records/notes').set(auth.userB).send({ title: 'beta note', code: 'B-1', amount: 1 }).expect(201)).body.id;
    const doc = (await request(app).get('/api/v1/openapi.json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
    routes = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/v1/records') || path.startsWith('/api/v1/collections'))
      .flatMap(([path, ops]) => Object.keys(ops).map((method) => ({ method, path })));
  });
  afterAll(() => server?.close());

  /** The path with A's ids in it. */
  const fill = (path: string) =>
    path
      .replace(/\{collection\}|\{name\}/g, 'notes')
      .replace('{id}', path.startsWith('/api/v1/records') ? aRecordId : collectionId);

  /** A body that tries to reach A's record. */
  function bodyFor(method: string, path: string): object {
    if (path.endsWith('/batch')) {
      if (method === 'delete') return { ids: [aRecordId] };
      if (method === 'patch') return { records: [{ id: aRecordId, data: { title: 'hijacked' } }] };
      return { records: [{ title: 'hijacked', account_id: 'alpha' }] };
    }
    return { title: 'hijacked', amount: 0 };
  }

  function call(caller: Caller, method: string, path: string, query = ''): request.Test {
    const req = (request(app) as unknown as Record<string, (url: string) => request.Test>)[method](fill(path) + query).set(auth[caller] ?? {});
    return ['post', 'put', 'patch', 'delete'].includes(method) ? req.send(bodyFor(method, path)) : req;
  }

  it('covers every record and collection endpoint', () => {
    const names = routes.map((r) => `${r.method} ${r.path}`);
    for (const must of ['get /api/v1/records/{collection}', 'get /api/v1/records/{collection}/{id}', 'patch /api/v1/records/{collection}/batch', 'get /api/v1/records/{collection}/aggregate', 'put /api/v1/collections/{id}']) {
      expect(names).toContain(must);
    }
  });

  it("account B's callers never reach, count, change or see account A's record", async () => {
    const wrong: string[] = [];
    for (const caller of B_SIDE) {
      for (const r of routes) {
        const res = await call(caller, r.method, r.path);
        const text = JSON.stringify(res.body ?? '') + (res.text ?? '');
        if (res.status >= 500) wrong.push(`${caller} ${r.method} ${r.path} → ${res.status}`);
        // An error may echo the id the caller sent (as for any random id); a success may not show it.
        if (text.includes(SECRET) || (res.status < 400 && text.includes(aRecordId))) wrong.push(`${caller} ${r.method} ${r.path} leaked A's record (${res.status})`);
        const aimsAtRecord = r.path.startsWith('/api/v1/records') && (r.path.includes('{id}') || r.path.endsWith('/batch'));
        if (aimsAtRecord && r.method !== 'post' && res.status < 300) wrong.push(`${caller} ${r.method} ${r.path} → ${res.status}`);
        if (r.path.startsWith('/api/v1/collections') && caller !== 'anonymousB' && res.status !== 403) wrong.push(`${caller} ${r.method} ${r.path} → ${res.status} (collections are superadmin only)`);
        if (r.path.startsWith('/api/v1/collections') && caller === 'anonymousB' && res.status !== 401) wrong.push(`${caller} ${r.method} ${r.path} → ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
    // A's record is exactly as it was.
    const mine = await request(app).get(`/api/v1/records/notes/${aRecordId}`).set(auth.userA!).expect(200);
    expect(mine.body).toMatchObject({ title: SECRET, code: 'A-1', amount: 41 });
  });

  it('B cannot count, aggregate or filter for A’s rows, and gets the same 404 for A’s id as for a random one', async () => {
    for (const caller of B_SIDE) {
      const list = await call(caller, 'get', '/api/v1/records/{collection}', `?filter=${encodeURIComponent(`id = "${aRecordId}" || code = "A-1"`)}`).expect(200);
      expect(list.body.total).toBe(0);
      const all = await call(caller, 'get', '/api/v1/records/{collection}').expect(200);
      // B's own rows only (the matrix above legitimately created some in B).
      const ids = all.body.items.map((i: { id: string }) => i.id);
      expect(ids).toContain(bRecordId);
      expect(ids).not.toContain(aRecordId);
      expect(all.body.total).toBe(ids.length);
      const agg = await call(caller, 'get', '/api/v1/records/{collection}/aggregate', '?functions=count(),max(amount)').expect(200);
      expect(agg.body.results[0]).toMatchObject({ count: ids.length });
      expect(agg.body.results[0].max_amount).toBeLessThan(41);
      const theirs = await call(caller, 'get', '/api/v1/records/{collection}/{id}').expect(404);
      const random = await (request(app).get(`/api/v1/records/notes/00000000-0000-4000-8000-000000000000`).set(auth[caller] ?? {})).expect(404);
      expect({ ...theirs.body, request_id: undefined }).toEqual({ ...random.body, request_id: undefined });
    }
  });

  it('unique values are per account: B may use A’s value, and learns nothing from doing so', async () => {
    await request(app).post('/api/v1/records/notes').set(auth.userB!).send({ title: 'same code', code: 'A-1' }).expect(201);
    await request(app).post('/api/v1/records/notes').set(auth.userA!).send({ title: 'dup', code: 'A-1' }).expect(409);
  });

  it('superadmin and the superadmin API key see both accounts', async () => {
    for (const caller of ['superadmin', 'apiKey'] as const) {
      const res = await call(caller, 'get', '/api/v1/records/{collection}').expect(200);
      const ids = res.body.items.map((i: { id: string }) => i.id);
      expect(ids).toEqual(expect.arrayContaining([aRecordId, bRecordId]));
    }
  });
});
