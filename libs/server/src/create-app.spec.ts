import express from 'express';
import request from 'supertest';
import { createCore, createLogger, loadConfig, type Core } from '@snackbase/core';
import { createDatabase } from '@snackbase/db';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '@snackbase/testing';
import { createApp } from './create-app';
import { errorHandler } from './middleware/error-handler';
import { jsonBody } from './middleware/json-body';
import { requestContext } from './middleware/request-context';
import { RouteRegistry } from './openapi/route-registry';
import { startTestServer, TEST_SECRETS, type TestServer } from './test-support/test-server';

const logger = createLogger({ level: 'error', format: 'json', silent: true });

function coreFor(url: string, env: Record<string, string> = {}): Core {
  const config = loadConfig({ env: { SNACKBASE_DATABASE_URL: url, SNACKBASE_STATIC_DIR: '/nonexistent', ...env }, envFile: null });
  return createCore({ config, secrets: TEST_SECRETS, logger, db: createDatabase({ url }) });
}

describe.each(TEST_DIALECTS)('HTTP app on %s', (dialect) => {
  let server: TestServer;
  let app: express.Express;

  beforeAll(async () => {
    server = await startTestServer(dialect);
    ({ app } = server);
  });
  afterAll(() => server?.close());

  it('answers the health routes of spec §1.2', async () => {
    expect((await request(app).get('/health').expect(200)).body).toEqual({ status: 'healthy', service: 'SnackBase', version: '0.1.0', audit_logging_enabled: true });
    expect((await request(app).get('/live').expect(200)).body).toEqual({ status: 'alive', service: 'SnackBase', version: '0.1.0' });
    expect((await request(app).get('/api/v1').expect(200)).body).toEqual({ name: 'SnackBase', version: '0.1.0', api_version: 'v1' });
    const ready = (await request(app).get('/ready').expect(200)).body;
    expect(ready).toMatchObject({ status: 'ready', database: 'connected', dialect, migrations: { pending: 0 } });
    expect(ready.migrations.applied).toBeGreaterThan(0);
  });

  it('answers unknown API routes with the JSON error body', async () => {
    const res = await request(app).get('/api/v1/nothing-here').set('X-Correlation-ID', 'trace-1').expect(404);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toEqual({ error: 'Not found', message: 'No route for GET /api/v1/nothing-here', code: 'not_found', request_id: 'trace-1' });
    expect(res.headers['x-correlation-id']).toBe('trace-1');
  });

  it.each([
    ['malformed JSON', 'application/json', '{"a":', 400, 'invalid_json'],
    ['a text body', 'text/plain', 'hello', 415, 'unsupported_media_type'],
    ['a form body', 'application/x-www-form-urlencoded', 'a=1', 415, 'unsupported_media_type'],
    ['an oversized body', 'application/json', JSON.stringify({ a: 'x'.repeat(1_100_000) }), 413, 'payload_too_large'],
    ['absurdly nested JSON', 'application/json', '['.repeat(200_000) + ']'.repeat(200_000), 400, 'invalid_json'],
  ])('refuses %s with a clear 4xx', async (_name, type, body, status, code) => {
    const res = await request(app).post('/api/v1/anything').set('Content-Type', type).send(body);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ code, request_id: expect.stringMatching(/^cid_[0-9a-f]{12}$/) });
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it('sends the security headers and keeps CORS closed by default', async () => {
    const res = await request(app).options('/api/v1').set('Origin', 'http://evil.test').set('Access-Control-Request-Method', 'GET');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const h = (await request(app).get('/health')).headers;
    expect(h).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'strict-origin-when-cross-origin' });
    expect(h['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(h['permissions-policy']).toContain('camera=()');
    expect(h['strict-transport-security']).toBeUndefined();
    expect(h['x-powered-by']).toBeUndefined();
  });

  it('publishes OpenAPI 3.1 built from the route schemas, and Swagger UI', async () => {
    const doc = (await request(app).get('/api/v1/openapi.json').expect(200)).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health', '/ready', '/live', '/api/v1']));
    expect(doc.paths['/health'].get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/HealthResponse' });
    expect(doc.components.schemas.ErrorBody.required).toEqual(['error', 'message', 'code']);
    const ui = await request(app).get('/docs/').expect(200);
    expect(ui.text).toContain('swagger-ui');
  });
});

describe('configured behaviour', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('sqlite');
    await t.db.destroy();
  });
  afterAll(() => t.destroy());

  it('opens CORS to configured origins only, and sends HSTS in production', async () => {
    const core = coreFor(t.url, { SNACKBASE_CORS_ORIGINS: 'http://app.test', SNACKBASE_ENVIRONMENT: 'production', SNACKBASE_HSTS_MAX_AGE: '600' });
    const app = createApp(core);
    const ok = await request(app).options('/api/v1').set('Origin', 'http://app.test').set('Access-Control-Request-Method', 'POST');
    expect(ok.headers['access-control-allow-origin']).toBe('http://app.test');
    expect(ok.headers['access-control-allow-credentials']).toBe('true');
    const no = await request(app).options('/api/v1').set('Origin', 'http://evil.test').set('Access-Control-Request-Method', 'POST');
    expect(no.headers['access-control-allow-origin']).toBeUndefined();
    expect((await request(app).get('/live')).headers['strict-transport-security']).toBe('max-age=600; includeSubDomains');
    await core.close();
  });

  it('reports 503 not_ready with Retry-After when the database is gone', async () => {
    const core = coreFor('postgres://postgres@127.0.0.1:1/none', { SNACKBASE_DB_POOL_TIMEOUT: '1' });
    const res = await request(createApp(core)).get('/ready').expect(503);
    expect(res.body).toMatchObject({ status: 'not_ready', database: 'disconnected', dialect: 'postgres' });
    expect(res.headers['retry-after']).toBe('5');
    await core.close();
  });
});

describe('error handling', () => {
  function appWith(register: (registry: RouteRegistry, router: express.Router) => void) {
    const app = express();
    app.use(requestContext(logger));
    app.use(jsonBody(1024));
    const router = express.Router();
    register(new RouteRegistry(), router);
    app.use(router);
    app.use(errorHandler(logger));
    return app;
  }

  it('turns an unexpected throw into a 500 that says nothing about the cause', async () => {
    const app = appWith((r, router) =>
      r.add(router, { method: 'get', path: '/boom', summary: '', tags: [], responses: {}, handler: () => { throw new Error('secret SQL: select * from users'); } }),
    );
    const res = await request(app).get('/boom').expect(500);
    expect(res.body).toEqual({ error: 'Internal server error', message: 'Internal server error', code: 'internal_error', request_id: expect.any(String) });
  });

  it('maps database constraint errors to 409/400 without SQL', async () => {
    const t = await createTestDatabase('sqlite');
    await t.db.schema.createTable('thing').addColumn('name', 'text', (c) => c.unique().notNull()).execute();
    await t.db.insertInto('thing').values({ name: 'a' }).execute();
    const app = appWith((r, router) => {
      r.add(router, { method: 'post', path: '/things', summary: '', tags: [], responses: {}, handler: async (req, res) => {
        await t.db.insertInto('thing').values({ name: (req.body as { name: string | null }).name }).execute();
        res.status(201).json({});
      } });
    });
    const dup = await request(app).post('/things').send({ name: 'a' }).expect(409);
    expect(dup.body).toMatchObject({ code: 'unique_violation', field: 'name', message: 'A record with this name already exists' });
    const missing = await request(app).post('/things').send({ name: null }).expect(400);
    expect(missing.body).toMatchObject({ code: 'validation_failed', details: [{ field: 'name', code: 'required_missing' }] });
    expect(JSON.stringify([dup.body, missing.body])).not.toMatch(/insert|constraint failed|thing\./i);
    await t.destroy();
  });

  it('validates bodies against the route schema (422) and drops prototype keys', async () => {
    let seen: unknown;
    const app = appWith((r, router) =>
      r.add(router, {
        method: 'post',
        path: '/echo',
        summary: '',
        tags: [],
        body: { type: 'object', required: ['name'], properties: { name: { type: 'string', maxLength: 5 } } },
        responses: {},
        handler: (req, res) => {
          seen = req.body;
          res.json(req.body);
        },
      }),
    );
    const bad = await request(app).post('/echo').send({ name: 42 }).expect(422);
    expect(bad.body).toMatchObject({ code: 'invalid_request', details: [{ field: 'body.name', code: 'type' }] });
    await request(app).post('/echo').set('Content-Type', 'application/json').send('{"name":"ok","__proto__":{"admin":true},"constructor":{"x":1}}').expect(200);
    expect(Object.keys(seen as object)).toEqual(['name']);
    expect(({} as Record<string, unknown>)['admin']).toBeUndefined();
  });
});
