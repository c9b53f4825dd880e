import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { hashPassword, hashToken, randomToken } from '@snackbase/auth';
import { createSuperadmin, SYSTEM_ACCOUNT_ID, systemContext, type Core } from '@snackbase/core';
import { accountScope, allAccounts, tenantTable } from '@snackbase/tenancy';
import { TEST_DIALECTS } from '@snackbase/testing';
import { signIn, startTestServer, type TestServer } from '../test-support/test-server';

const PASSWORD = 'Correct-Horse-9!';
const KEYS = '/api/v1/admin/api-keys';
const ME = '/api/v1/auth/me';
const PUBLIC = '/api/v1/auth/verify-reset-token/not-a-token';
const MASK = /^[0-9a-f]{6}\.\.\.[0-9a-f]{4}$/;

describe.each(TEST_DIALECTS)('API keys on %s', (dialect) => {
  let server: TestServer;
  let core: Core;
  let app: Express;
  const acme = { id: randomUUID(), code: 'AK0001', slug: 'acme-keys' };
  const ids: Record<string, string> = {};
  const jwt: Record<string, string> = {};

  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const xKey = (key: string) => ({ 'X-API-Key': key });
  const get = (url: string, headers: Record<string, string> = {}) => request(app).get(url).set(headers);
  const create = (token: string, body: object) => request(app).post(KEYS).set(bearer(token)).send(body);
  const keyRows = () => tenantTable(core.db.kysely, accountScope(SYSTEM_ACCOUNT_ID), 'api_keys');

  async function addUser(name: string, accountId: string, roleId: number) {
    ids[name] = randomUUID();
    await tenantTable(core.db.kysely, accountScope(accountId), 'users')
      .insert({ id: ids[name], email: `${name}@example.com`, password_hash: await hashPassword(PASSWORD), role_id: roleId, email_verified: true })
      .execute();
    const account = accountId === SYSTEM_ACCOUNT_ID ? 'system' : acme.slug;
    jwt[name] = await signIn(app, account, `${name}@example.com`, PASSWORD);
  }

  beforeAll(async () => {
    server = await startTestServer(dialect);
    ({ core, app } = server);
    const root = await createSuperadmin(systemContext('test'), core, { email: 'root@example.com', password: PASSWORD });
    ids['root'] = root.id;
    jwt['root'] = await signIn(app, 'system', 'root@example.com', PASSWORD);
    await core.db.kysely.insertInto('accounts').values({ id: acme.id, account_code: acme.code, slug: acme.slug, name: 'Acme' }).execute();
    await addUser('ops', SYSTEM_ACCOUNT_ID, 1);
    await addUser('quota', SYSTEM_ACCOUNT_ID, 1);
    await addUser('ann', acme.id, 1);
  });
  afterAll(() => server?.close());

  it('shows the plaintext key once; lists and details mask it and never show the hash; the database holds only the hash', async () => {
    const created = await create(jwt['root'], { name: '  CI deploy  ', extra: 'ignored' }).expect(201);
    expect(Object.keys(created.body).sort()).toEqual(['created_at', 'expires_at', 'id', 'key', 'name']);
    expect(created.body).toMatchObject({ name: 'CI deploy', expires_at: null, key: expect.stringMatching(/^sb_ak\.[A-Za-z0-9_-]{43}$/) });
    const { id, key } = created.body as { id: string; key: string };
    const hash = hashToken(key);

    const list = await get(KEYS, bearer(jwt['root'])).expect(200);
    const item = list.body.items.find((i: { id: string }) => i.id === id);
    expect(item).toEqual({ id, name: 'CI deploy', key: expect.stringMatching(MASK), last_used_at: null, expires_at: null, is_active: true, created_at: created.body.created_at });
    expect(list.body.total).toBe(list.body.items.length);
    const detail = await get(`${KEYS}/${id}`, bearer(jwt['root'])).expect(200);
    expect(detail.body).toMatchObject({ ...item, updated_at: expect.any(String) });
    for (const text of [list.text, detail.text]) {
      expect(text).not.toContain(key);
      expect(text).not.toContain(key.slice(6));
      expect(text).not.toContain(hash);
    }

    const row = await keyRows().select().selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ key_hash: hash, user_id: ids['root'], account_id: SYSTEM_ACCOUNT_ID, name: 'CI deploy' });
    const everything = JSON.stringify(await tenantTable(core.db.kysely, allAccounts('spec scans every key row'), 'api_keys').select().selectAll().execute());
    expect(everything).not.toContain(key.slice(6));
  });

  it('authenticates as its owner through X-API-Key and Bearer sb_ak., on user and superadmin routes', async () => {
    const { key } = (await create(jwt['root'], { name: 'automation' }).expect(201)).body as { key: string };
    for (const headers of [xKey(key), bearer(key)]) {
      const me = await get(ME, headers).expect(200);
      expect(me.body).toEqual({ user_id: ids['root'], account_id: SYSTEM_ACCOUNT_ID, email: 'root@example.com', role: 'admin' });
      const users = await get('/api/v1/users', headers).expect(200);
      expect(users.body.total).toBeGreaterThanOrEqual(4);
    }
    // Logout with a key signs nobody out and leaves the key working.
    await request(app).post('/api/v1/auth/logout').set(xKey(key)).send({}).expect(200);
    await get(ME, xKey(key)).expect(200);
    await get(ME, bearer(jwt['root'])).expect(200);
  });

  it('keeps last_used_at, written at most once a minute per key', async () => {
    const { id, key } = (await create(jwt['root'], { name: 'usage' }).expect(201)).body as { id: string; key: string };
    const before = Date.now();
    await get(ME, xKey(key)).expect(200);
    const first = (await get(`${KEYS}/${id}`, bearer(jwt['root'])).expect(200)).body.last_used_at as string;
    expect(Date.parse(first)).toBeGreaterThanOrEqual(before - 1000);
    await get(ME, bearer(key)).expect(200);
    await get('/api/v1/users', xKey(key)).expect(200);
    expect((await get(`${KEYS}/${id}`, bearer(jwt['root'])).expect(200)).body.last_used_at).toBe(first);
  });

  it('stops a revoked key on the very next request; revoking is idempotent, other keys and unknown ids are 404', async () => {
    const { id, key } = (await create(jwt['root'], { name: 'short-lived' }).expect(201)).body as { id: string; key: string };
    await get(ME, xKey(key)).expect(200);
    const revoked = await request(app).delete(`${KEYS}/${id}`).set(bearer(jwt['root'])).expect(204);
    expect(revoked.text).toBe('');
    expect(revoked.headers['content-type']).toBeUndefined();
    const refused = await get(ME, xKey(key)).expect(401);
    expect(refused.body).toMatchObject({ code: 'unauthorized', request_id: expect.any(String) });
    await get(ME, bearer(key)).expect(401);
    expect((await get(`${KEYS}/${id}`, bearer(jwt['root'])).expect(200)).body.is_active).toBe(false);
    await request(app).delete(`${KEYS}/${id}`).set(bearer(jwt['root'])).expect(204);
    // A superadmin sees and revokes only their own keys.
    expect((await get(`${KEYS}/${id}`, bearer(jwt['ops'])).expect(404)).body.message).toBe('API key not found');
    await request(app).delete(`${KEYS}/${id}`).set(bearer(jwt['ops'])).expect(404);
    expect((await get(KEYS, bearer(jwt['ops'])).expect(200)).body.items.map((i: { id: string }) => i.id)).not.toContain(id);
    await get(`${KEYS}/${randomUUID()}`, bearer(jwt['root'])).expect(404);
  });

  it('refuses expired keys, and expiries in the past or unreadable at creation', async () => {
    const soon = new Date(Date.now() + 3600_000).toISOString();
    const created = (await create(jwt['root'], { name: 'expiring', expires_at: soon }).expect(201)).body as { id: string; key: string; expires_at: string };
    expect(created.expires_at).toBe(soon);
    await keyRows().update({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', created.id).execute();
    await get(ME, xKey(created.key)).expect(401);

    const past = await create(jwt['root'], { name: 'late', expires_at: '2020-01-01T00:00:00Z' }).expect(400);
    expect(past.body).toMatchObject({ code: 'validation_failed', details: [{ field: 'expires_at' }] });
    expect((await create(jwt['root'], { name: 'bad', expires_at: 'tomorrow' }).expect(422)).body.details[0].field).toBe('expires_at');
    const naive = (await create(jwt['root'], { name: 'naive', expires_at: '2999-01-02T03:04:05' }).expect(201)).body;
    expect(naive.expires_at).toBe('2999-01-02T03:04:05.000Z');
    for (const body of [{}, { name: 'ab' }, { name: 'x'.repeat(101) }, { name: '    ' }, { name: 42 }]) await create(jwt['root'], body).expect(422);
  });

  it('cuts a key off at once when its owner is deactivated', async () => {
    const { key } = (await create(jwt['ops'], { name: 'ops key' }).expect(201)).body as { key: string };
    await get(ME, xKey(key)).expect(200);
    await request(app).delete(`/api/v1/users/${ids['ops']}`).set(bearer(jwt['root'])).expect(204);
    await get(ME, xKey(key)).expect(401);
    await get('/api/v1/users', bearer(key)).expect(401);
  });

  it.each([
    ['garbage', 'not-a-key'],
    ['an sb_ak. prefix with a random body', `sb_ak.${randomToken(32)}`],
    ['a legacy prefix with a wrong body', `sb_sk_${randomToken(24)}`],
    ['a bare prefix', 'sb_ak.'],
    ['an oversized value', `sb_ak.${'a'.repeat(4000)}`],
  ])('treats %s as a rejected credential: 401 on user routes, anonymous on public ones', async (_label, value) => {
    for (const headers of [xKey(value), bearer(value)]) {
      await get(ME, headers).expect(401);
      await get('/api/v1/users', headers).expect(401);
      expect((await get(PUBLIC, headers).expect(200)).body).toMatchObject({ valid: false });
    }
  });

  it('rejects a tampered copy of a real key', async () => {
    const { key } = (await create(jwt['root'], { name: 'tamper' }).expect(201)).body as { key: string };
    const flipped = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    await get(ME, xKey(flipped)).expect(401);
    await get(ME, xKey(key.toUpperCase())).expect(401);
    await get(ME, xKey(key)).expect(200);
  });

  it('accepts a legacy sb_sk_ key by its hash, in X-API-Key or Bearer', async () => {
    const legacy = `sb_sk_${randomToken(32)}`;
    await keyRows().insert({ id: randomUUID(), user_id: ids['root'], name: 'legacy', key_hash: hashToken(legacy) }).execute();
    for (const headers of [xKey(legacy), bearer(legacy)]) expect((await get(ME, headers).expect(200)).body.user_id).toBe(ids['root']);
  });

  it('never elevates: a key row owned by a tenant user does not authenticate', async () => {
    const key = `sb_ak.${randomToken(32)}`;
    await tenantTable(core.db.kysely, accountScope(acme.id), 'api_keys').insert({ id: randomUUID(), user_id: ids['ann'], name: 'planted', key_hash: hashToken(key) }).execute();
    await get(ME, xKey(key)).expect(401);
  });

  it('lets a Bearer access token decide when a key arrives with it', async () => {
    const { key } = (await create(jwt['root'], { name: 'both' }).expect(201)).body as { key: string };
    const wrong = await get(ME, { ...bearer(jwt['root']), ...xKey(`sb_ak.${randomToken(32)}`) }).expect(200);
    expect(wrong.body.user_id).toBe(ids['root']);
    // Ann's token with root's key acts as Ann: the key is not even looked at.
    expect((await get(ME, { ...bearer(jwt['ann']), ...xKey(key) }).expect(200)).body.user_id).toBe(ids['ann']);
    await get('/api/v1/users', { ...bearer(jwt['ann']), ...xKey(key) }).expect(403);
    await get(ME, { ...bearer('not-a-jwt'), ...xKey(key) }).expect(401);
  });

  it('is superadmin-only: 403 for a tenant user, 401 for anonymous callers', async () => {
    const id = randomUUID();
    const calls = [
      (h: Record<string, string>) => request(app).get(KEYS).set(h),
      (h: Record<string, string>) => request(app).post(KEYS).set(h).send({ name: 'mine' }),
      (h: Record<string, string>) => request(app).get(`${KEYS}/${id}`).set(h),
      (h: Record<string, string>) => request(app).delete(`${KEYS}/${id}`).set(h),
    ];
    for (const call of calls) {
      await call(bearer(jwt['ann'])).expect(403);
      await call({}).expect(401);
    }
  });

  it('lets a key read keys but not create or revoke them (403 "restricted", the SDK\'s ApiKeyRestrictedError)', async () => {
    const { id, key } = (await create(jwt['root'], { name: 'reader' }).expect(201)).body as { id: string; key: string };
    expect((await get(KEYS, xKey(key)).expect(200)).body.items.map((i: { id: string }) => i.id)).toContain(id);
    const made = await request(app).post(KEYS).set(xKey(key)).send({ name: 'child' }).expect(403);
    expect(made.body.message).toBe('API keys cannot manage API keys (restricted)');
    await request(app).delete(`${KEYS}/${id}`).set(bearer(key)).expect(403);
    await get(ME, xKey(key)).expect(200);
  });

  it('caps live keys per user (SNACKBASE_API_KEY_MAX_PER_USER, 10): 400, and revoked or expired keys do not count', async () => {
    const made: string[] = [];
    for (let i = 0; i < 10; i++) made.push((await create(jwt['quota'], { name: `key ${i}` }).expect(201)).body.id);
    const over = await create(jwt['quota'], { name: 'one too many' }).expect(400);
    expect(over.body).toMatchObject({ code: 'bad_request', message: 'Maximum number of API keys reached (10)' });
    await request(app).delete(`${KEYS}/${made[0]}`).set(bearer(jwt['quota'])).expect(204);
    await keyRows().update({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', made[1]).execute();
    await create(jwt['quota'], { name: 'replacement 1' }).expect(201);
    await create(jwt['quota'], { name: 'replacement 2' }).expect(201);
    await create(jwt['quota'], { name: 'one too many' }).expect(400);
    expect((await get(KEYS, bearer(jwt['quota'])).expect(200)).body.total).toBe(12);
  });
});
