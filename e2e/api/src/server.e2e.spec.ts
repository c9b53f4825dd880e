import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_DIALECTS } from '@snackbase/testing';
import { http, type HttpResponse } from '@snackbase/testing';
import { ADMIN_BUILT, ADMIN_DIR } from '@snackbase/testing';
import { startServer, type StartedServer } from '@snackbase/testing';

// The built server as a black box: health routes, the one error body, body limits, correlation
// ids, security headers, CORS, OpenAPI and Swagger UI, the admin console and JSON log lines.

const GENERATED_ID = /^cid_[0-9a-f]{12}$/;
/** A stack frame (`at fn (/path/file.js:1:2)` or `at /path/file.js:1:2`). */
const STACK_FRAME = /\bat\s+(?:\S+\s+\()?(?:\/|[A-Za-z]:\\|node:)[^\s)]*/;
/** SQL text or driver error names that must never reach a client. */
const SQL_TEXT = /\b(select\s.+\sfrom|insert\s+into|update\s+\S+\s+set|delete\s+from|create\s+table|SQLITE_[A-Z]+|syntax error at or near|relation\s+"|better-sqlite3|node_modules)\b/i;

/** The error body of spec/DECISIONS.md, with no stack trace and no SQL anywhere in it. */
function expectErrorBody(res: HttpResponse, status: number, code: string): Record<string, unknown> {
  expect({ status: res.status, text: res.text }).toEqual({ status, text: expect.any(String) });
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json();
  expect(body).toEqual(
    expect.objectContaining({ error: expect.any(String), message: expect.any(String), code, request_id: res.headers['x-correlation-id'] }),
  );
  expect((body['error'] as string).length).toBeGreaterThan(0);
  expect((body['message'] as string).length).toBeGreaterThan(0);
  expect(res.text).not.toMatch(STACK_FRAME);
  expect(res.text).not.toMatch(SQL_TEXT);
  expect(res.text).not.toContain('"stack"');
  return body;
}

describe.each(TEST_DIALECTS)('built server on %s', (dialect) => {
  let s: StartedServer;

  beforeAll(async () => {
    s = await startServer({ dialect, env: { SNACKBASE_LOG_LEVEL: 'info' } });
  });

  afterAll(async () => {
    if (s) await s.stop();
  });

  describe('health routes (spec §1.2)', () => {
    it('GET /health says healthy with service, version and audit flag', async () => {
      const res = await http(`${s.url}/health`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json()).toEqual({ status: 'healthy', service: 'SnackBase', version: '0.1.0', audit_logging_enabled: true });
    });

    it('GET /ready reports the connected database, its dialect and a fully applied migration set', async () => {
      const res = await http(`${s.url}/ready`);
      expect(res.status).toBe(200);
      const body = res.json<{ status: string; database: string; dialect: string; migrations: { applied: number; pending: number; latest: string | null } }>();
      expect(body).toEqual(
        expect.objectContaining({ status: 'ready', service: 'SnackBase', database: 'connected', dialect, migrations: expect.objectContaining({ pending: 0 }) }),
      );
      expect(body.migrations.applied).toBeGreaterThan(0);
      expect(body.migrations.latest).toMatch(/^\d{4}-/);
    });

    it('GET /live says alive', async () => {
      const res = await http(`${s.url}/live`);
      expect(res.status).toBe(200);
      expect(res.json()).toEqual(expect.objectContaining({ status: 'alive', service: 'SnackBase', version: '0.1.0' }));
    });

    it('GET /api/v1 gives name, version and api_version v1', async () => {
      const res = await http(`${s.url}/api/v1`);
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ name: 'SnackBase', version: '0.1.0', api_version: 'v1' });
    });
  });

  describe('the one error body', () => {
    it('an unknown API route is a JSON 404 not_found, never the admin HTML', async () => {
      const res = await http(`${s.url}/api/v1/no/such/route`);
      const body = expectErrorBody(res, 404, 'not_found');
      expect(body['request_id']).toMatch(GENERATED_ID);
      expect(res.text).not.toContain('<app-root');
    });

    it('an unknown API route is a 404 for POST as well', async () => {
      const res = await http(`${s.url}/api/v1/nothing-here`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
      expectErrorBody(res, 404, 'not_found');
    });

    it('malformed JSON is 400 invalid_json', async () => {
      const res = await http(`${s.url}/api/v1/anything`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title": "x",' });
      expectErrorBody(res, 400, 'invalid_json');
    });

    it('a body over SNACKBASE_MAX_BODY_SIZE (1 MiB) is 413', async () => {
      const body = JSON.stringify({ blob: 'x'.repeat(1024 * 1024 + 16) });
      const res = await http(`${s.url}/api/v1/anything`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expectErrorBody(res, 413, 'payload_too_large');
    });

    it('a body just under the limit is parsed (then 404 for the unknown route, not 413)', async () => {
      const body = JSON.stringify({ blob: 'x'.repeat(1024 * 1024 - 64) });
      const res = await http(`${s.url}/api/v1/anything`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expectErrorBody(res, 404, 'not_found');
    });

    it('a text/plain body is 415', async () => {
      const res = await http(`${s.url}/api/v1/anything`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
      expectErrorBody(res, 415, 'unsupported_media_type');
    });

    it('a JSON body in a non-UTF charset is 415', async () => {
      const res = await http(`${s.url}/api/v1/anything`, { method: 'POST', headers: { 'content-type': 'application/json; charset=latin1' }, body: '{}' });
      expectErrorBody(res, 415, 'unsupported_media_type');
    });

    it('absurdly nested JSON leaks nothing', async () => {
      const res = await http(`${s.url}/api/v1/anything`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '['.repeat(200_000) });
      expectErrorBody(res, 400, 'invalid_json');
    });
  });

  describe('X-Correlation-ID', () => {
    it('echoes a well-formed id in the header and the error body', async () => {
      const id = `e2e-${dialect}-0123.abc:XYZ`;
      const res = await http(`${s.url}/api/v1/missing`, { headers: { 'x-correlation-id': id } });
      expect(res.headers['x-correlation-id']).toBe(id);
      expect(expectErrorBody(res, 404, 'not_found')['request_id']).toBe(id);
    });

    it('generates cid_ + 12 hex when absent, a new one per request', async () => {
      const a = await http(`${s.url}/health`);
      const b = await http(`${s.url}/health`);
      expect(a.headers['x-correlation-id']).toMatch(GENERATED_ID);
      expect(b.headers['x-correlation-id']).toMatch(GENERATED_ID);
      expect(a.headers['x-correlation-id']).not.toBe(b.headers['x-correlation-id']);
    });

    it.each([
      ['300 characters', 'a'.repeat(300)],
      ['spaces', 'has some spaces'],
      ['angle brackets', '<script>'],
    ])('replaces an ill-formed id (%s) with a generated one', async (_label, id) => {
      const res = await http(`${s.url}/api/v1/missing`, { headers: { 'x-correlation-id': id } });
      expect(res.headers['x-correlation-id']).toMatch(GENERATED_ID);
      expect(expectErrorBody(res, 404, 'not_found')['request_id']).toBe(res.headers['x-correlation-id']);
    });
  });

  describe('security headers', () => {
    it.each(['/health', '/api/v1/missing'])('are sent on %s, without HSTS outside production', async (path) => {
      const res = await http(`${s.url}${path}`);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['permissions-policy']).toContain('camera=()');
      expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
      expect(res.headers['strict-transport-security']).toBeUndefined();
      expect(res.headers['x-powered-by']).toBeUndefined();
    });
  });

  describe('CORS closed by default', () => {
    it('a preflight from an unknown origin gets no Access-Control-Allow-Origin', async () => {
      const res = await http(`${s.url}/api/v1`, {
        method: 'OPTIONS',
        headers: { origin: 'http://evil.test', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    });

    it('a plain GET from an unknown origin gets no Access-Control-Allow-Origin', async () => {
      const res = await http(`${s.url}/api/v1`, { headers: { origin: 'http://evil.test' } });
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('OpenAPI and Swagger UI', () => {
    it('/api/v1/openapi.json is OpenAPI 3.1 listing the health routes, without secrets', async () => {
      const res = await http(`${s.url}/api/v1/openapi.json`);
      expect(res.status).toBe(200);
      const doc = res.json<{ openapi: string; info: { title: string; version: string }; paths: Record<string, unknown> }>();
      expect(doc.openapi).toMatch(/^3\.1\./);
      expect(doc.info.version).toBe('0.1.0');
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health', '/ready', '/live', '/api/v1']));
      // The development secrets the server generated at start must not appear in the document.
      const secrets = JSON.parse(readFileSync(join(s.cwd, 'sb_data', 'secrets.json'), 'utf8')) as Record<string, string>;
      expect(Object.values(secrets)).toHaveLength(3);
      for (const value of Object.values(secrets)) expect(res.text).not.toContain(value);
    });

    it('/docs answers 200 HTML (Swagger UI), following its redirect to /docs/', async () => {
      let res = await http(`${s.url}/docs`);
      if (res.status === 301 || res.status === 302) {
        expect(res.headers['location']).toBe('/docs/');
        res = await http(`${s.url}${res.headers['location']}`);
      }
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text.toLowerCase()).toContain('swagger');
    });
  });

  describe('admin console', () => {
    const index = ADMIN_BUILT ? readFileSync(join(ADMIN_DIR, 'index.html'), 'utf8') : '';

    it('was built (admin:build is a dependency of this target)', () => {
      expect(ADMIN_BUILT).toBe(true);
      expect(index).toContain('<app-root');
    });

    it('/ serves the admin index.html, not cached', async () => {
      const res = await http(`${s.url}/`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('<app-root');
      expect(res.text).toBe(index);
      expect(res.headers['cache-control']).toBe('no-cache');
    });

    it('a deep link such as /users/123 answers 200 with the same index.html', async () => {
      const res = await http(`${s.url}/users/123`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toBe(index);
    });
  });

  describe('logs', () => {
    it('stdout is JSON lines with level, message and timestamp', () => {
      const lines = s.logLines();
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        expect(line).toEqual(expect.objectContaining({ level: expect.any(String), message: expect.any(String), timestamp: expect.any(String) }));
      }
      expect(lines.some((l) => String(l['message']).startsWith('SnackBase listening on'))).toBe(true);
    });

    it('the "request completed" line carries the request id (client-supplied)', async () => {
      const id = `log-check-${dialect}-1`;
      const res = await http(`${s.url}/api/v1/log-probe`, { headers: { 'x-correlation-id': id } });
      expect(res.status).toBe(404);
      const line = await s.waitForLog((l) => l['message'] === 'request completed' && l['request_id'] === id);
      expect(line).toEqual(expect.objectContaining({ method: 'GET', path: '/api/v1/log-probe', status: 404, level: 'info' }));
    });

    it('the "request completed" line carries the request id (generated)', async () => {
      const res = await http(`${s.url}/live?probe=1`);
      const id = res.headers['x-correlation-id'];
      expect(id).toMatch(GENERATED_ID);
      const line = await s.waitForLog((l) => l['message'] === 'request completed' && l['request_id'] === id);
      expect(line).toEqual(expect.objectContaining({ method: 'GET', path: '/live', status: 200 }));
      expect(s.logLines().filter((l) => l['request_id'] === id)).toHaveLength(1);
    });

    it('nothing was written to stderr', () => {
      expect(s.stderr()).toBe('');
    });
  });
});

describe('CORS with SNACKBASE_CORS_ORIGINS=http://app.test', () => {
  let s: StartedServer;

  beforeAll(async () => {
    s = await startServer({ dialect: 'sqlite', env: { SNACKBASE_CORS_ORIGINS: 'http://app.test' } });
  });

  afterAll(async () => {
    if (s) await s.stop();
  });

  it('a preflight from the configured origin is allowed, with credentials', async () => {
    const res = await http(`${s.url}/api/v1`, {
      method: 'OPTIONS',
      headers: { origin: 'http://app.test', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
    });
    expect(res.status).toBeLessThan(300);
    expect(res.headers['access-control-allow-origin']).toBe('http://app.test');
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(String(res.headers['access-control-allow-methods'])).toContain('POST');
  });

  it('a GET from the configured origin gets the origin back and may read X-Correlation-ID', async () => {
    const res = await http(`${s.url}/api/v1`, { headers: { origin: 'http://app.test' } });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('http://app.test');
    expect(String(res.headers['access-control-expose-headers']).toLowerCase()).toContain('x-correlation-id');
  });

  it('another origin is still refused', async () => {
    const res = await http(`${s.url}/api/v1`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.test', 'access-control-request-method': 'POST' },
    });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});
