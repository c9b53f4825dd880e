import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import request from 'supertest';
import { Redis } from 'ioredis';
import { createLogger, createRateLimiter, loadConfig, type Principal, type RateLimiter } from '@snackbase/core';
import { errorHandler } from './error-handler';
import { jsonBody } from './json-body';
import { accountEmailIdentity, apiRateLimit, authRateLimit } from './rate-limit';
import { requestContext } from './request-context';

const REDIS_URL = process.env['SNACKBASE_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const logger = createLogger({ level: 'error', format: 'json', silent: true });
const prefix = () => `sbtest:rl:${randomBytes(6).toString('hex')}`;
const BASE_ENV = { SNACKBASE_RATE_LIMIT_ENABLED: 'true', SNACKBASE_RATE_LIMIT_BURST: '5', SNACKBASE_AUTH_RATE_LIMIT_PER_IP: '12', SNACKBASE_AUTH_RATE_LIMIT_PER_IDENTITY: '5' };
const configWith = (env: Record<string, string>) => loadConfig({ env: { ...BASE_ENV, ...env }, envFile: null });

const user = (isSuperadmin: boolean, userId = 'u1'): Principal => ({
  kind: 'user',
  userId,
  accountId: isSuperadmin ? '00000000-0000-0000-0000-000000000000' : 'acc-1',
  email: `${userId}@example.com`,
  role: 'user',
  sessionId: 's1',
  isSuperadmin,
});

/** Stands in for `authenticate`: `X-Test-User: <id>` or `superadmin`. */
function fakeAuthenticate(req: Request, res: Response, next: NextFunction) {
  const who = req.get('x-test-user');
  if (who) res.locals['principal'] = user(who === 'superadmin', who);
  next();
}

/** A small app with the real middleware and error handler; login succeeds for password `right`. */
function appWith(rateLimit: RateLimiter, env: Record<string, string> = {}, trustProxy = true) {
  const deps = { config: configWith(env), logger, rateLimit };
  const app = express();
  app.set('trust proxy', trustProxy);
  app.use(requestContext(logger), jsonBody(1_000_000));
  // Before the API limit here, so it does not mix into the brute-force counts.
  app.post('/auth/login', authRateLimit(deps, { identity: accountEmailIdentity }), (req, res) => {
    res.status((req.body as { password?: string }).password === 'right' ? 200 : 401).json({});
  });
  // In front of everything else, health probes included: the middleware itself must skip them.
  app.use(fakeAuthenticate, apiRateLimit(deps));
  for (const path of ['/health', '/ready', '/live']) app.get(path, (_req, res) => void res.json({ ok: true }));
  app.get('/api/v1/things', (_req, res) => void res.json({ ok: true }));
  app.get('/api/v1/slow-path', (_req, res) => void res.json({ ok: true }));
  app.use(errorHandler(logger));
  return app;
}

const login = (app: express.Express, email: string, password: string, ip = '10.0.0.1') =>
  request(app).post('/auth/login').set('X-Forwarded-For', ip).send({ account: 'acme', email, password });

async function expect429(res: request.Response) {
  expect(res.status).toBe(429);
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  expect(res.body).toMatchObject({ code: 'too_many_requests', error: 'Too Many Requests', request_id: expect.any(String) });
}

async function flushPrefix(keyPrefix: string) {
  const admin = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const keys = await admin.keys(`${keyPrefix}:*`);
  if (keys.length) await admin.del(...keys);
  await admin.quit();
}

const stores = [
  ['memory', {}],
  ['redis', { SNACKBASE_REDIS_URL: REDIS_URL }],
] as const;

describe.each(stores)('rate-limit middleware on %s', (store, env) => {
  const keyPrefix = prefix();
  let limiter: RateLimiter;
  let app: express.Express;

  beforeAll(async () => {
    if (store === 'redis') {
      const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await probe.connect().catch(() => Promise.reject(new Error(`Redis cannot be reached at ${REDIS_URL}`)));
      await probe.quit();
    }
    limiter = createRateLimiter({ config: configWith(env), logger, keyPrefix });
    app = appWith(limiter, { SNACKBASE_RATE_LIMIT_ENDPOINTS: '{"/api/v1/slow-path": 2}' });
  });
  afterAll(async () => {
    await limiter.close();
    if (store === 'redis') await flushPrefix(keyPrefix);
  });

  it('blocks an account+email after 5 wrong passwords, and only that identity', async () => {
    for (let i = 0; i < 5; i++) expect((await login(app, 'alice@example.com', 'wrong', '10.1.0.1')).status).toBe(401);
    await expect429(await login(app, 'alice@example.com', 'right', '10.1.0.2'));
    await expect429(await login(app, 'ALICE@example.com ', 'right', '10.1.0.3'));
    expect((await login(app, 'bob@example.com', 'right', '10.1.0.4')).status).toBe(200);
  });

  it('a success resets the failures of the identity', async () => {
    for (let i = 0; i < 4; i++) expect((await login(app, 'carol@example.com', 'wrong', '10.2.0.1')).status).toBe(401);
    expect((await login(app, 'carol@example.com', 'right', '10.2.0.1')).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await login(app, 'carol@example.com', 'wrong', '10.2.0.1')).status).toBe(401);
    expect((await login(app, 'carol@example.com', 'right', '10.2.0.1')).status).toBe(200);
  });

  it('limits attempts per client IP, whatever the emails', async () => {
    for (let i = 0; i < 12; i++) expect((await login(app, `user${i}@example.com`, 'right', '10.3.0.1')).status).toBe(200);
    await expect429(await login(app, 'dave@example.com', 'right', '10.3.0.1'));
    expect((await login(app, 'dave@example.com', 'right', '10.3.0.2')).status).toBe(200);
  });

  it('limits the API per IP with X-RateLimit headers, never health probes nor superadmins', async () => {
    const get = (path: string, ip: string, who?: string) => {
      const r = request(app).get(path).set('X-Forwarded-For', ip);
      return who ? r.set('X-Test-User', who) : r;
    };
    const first = await get('/api/v1/things', '10.4.0.1');
    expect(first.headers).toMatchObject({ 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '4' });
    for (let i = 0; i < 4; i++) expect((await get('/api/v1/things', '10.4.0.1')).status).toBe(200);
    const refused = await get('/api/v1/things', '10.4.0.1');
    await expect429(refused);
    expect(refused.headers['x-ratelimit-remaining']).toBe('0');
    for (const path of ['/health', '/ready', '/live']) for (let i = 0; i < 8; i++) expect((await get(path, '10.4.0.1')).status).toBe(200);
    for (let i = 0; i < 8; i++) expect((await get('/api/v1/things', '10.4.0.1', 'superadmin')).status).toBe(200);
    // A signed-in user is counted per user, at the authenticated rate.
    expect((await get('/api/v1/things', '10.4.0.1', 'u7')).headers['x-ratelimit-limit']).toBe('120');
  });

  it('applies per-path rates from SNACKBASE_RATE_LIMIT_ENDPOINTS', async () => {
    const res = await request(app).get('/api/v1/slow-path').set('X-Forwarded-For', '10.5.0.1');
    expect(res.headers['x-ratelimit-limit']).toBe('2');
  });

  it('does nothing when the API limit is disabled', async () => {
    const off = appWith(limiter, { SNACKBASE_RATE_LIMIT_ENABLED: 'false' });
    for (let i = 0; i < 8; i++) expect((await request(off).get('/api/v1/things').set('X-Forwarded-For', '10.6.0.1')).status).toBe(200);
  });

  it('uses the peer address, not X-Forwarded-For, when no proxy is trusted', async () => {
    const direct = appWith(limiter, {}, false);
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await request(direct).get('/api/v1/things').set('X-Forwarded-For', `10.7.0.${i}`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });

  if (store === 'redis') {
    it('shares counters between instances (two apps on one Redis)', async () => {
      const other = createRateLimiter({ config: configWith(env), logger, keyPrefix });
      const appB = appWith(other);
      for (let i = 0; i < 5; i++) expect((await login(i % 2 ? app : appB, 'erin@example.com', 'wrong', '10.8.0.1')).status).toBe(401);
      await expect429(await login(appB, 'erin@example.com', 'right', '10.8.0.2'));
      await expect429(await login(app, 'erin@example.com', 'right', '10.8.0.3'));
      await other.close();
    });
  }
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' }, () => socket.write('PING\r\n'));
    socket.once('data', (d) => (socket.destroy(), resolve(String(d).startsWith('+PONG'))));
    socket.once('error', () => resolve(false));
  });
}

/** A private redis-server on `port` (never the shared one on 6379), answering PING. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 50 && !(await pings(port)); i++) await sleep(100);
  if (!(await pings(port))) throw new Error(`private redis-server on port ${port} did not start`);
  return child;
}

async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('rate-limit middleware when Redis goes down and comes back', () => {
  let port: number;
  let redis: ChildProcess;
  let limiter: RateLimiter;
  let app: express.Express;

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    limiter = createRateLimiter({ config: configWith({ SNACKBASE_REDIS_URL: `redis://127.0.0.1:${port}` }), logger, keyPrefix: prefix() });
    app = appWith(limiter);
  });
  afterAll(async () => {
    await limiter.close();
    await stopRedis(redis);
  });

  it('answers 503 with Retry-After quickly, keeps the API up, and recovers by itself', async () => {
    expect((await login(app, 'frank@example.com', 'wrong')).status).toBe(401);

    await stopRedis(redis);
    const started = Date.now();
    const down = await login(app, 'frank@example.com', 'right');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(down.status).toBe(503);
    expect(down.headers['retry-after']).toBe('5');
    expect(down.body).toMatchObject({ code: 'service_unavailable', request_id: expect.any(String) });
    // The general API limit falls back to per-process counters instead of failing.
    expect((await request(app).get('/api/v1/things').set('X-Forwarded-For', '10.9.0.1')).status).toBe(200);

    redis = await startRedis(port);
    let status = 0;
    for (const deadline = Date.now() + 8000; Date.now() < deadline && status !== 200; await sleep(200)) {
      status = (await login(app, 'frank@example.com', 'right')).status;
    }
    expect(status).toBe(200);
  });
});
