import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { loadConfig } from '../config';
import { AppError } from '../errors';
import { createLogger } from '../logging';
import { createRateLimiter, type RateLimiter } from './create-rate-limiter';
import { burstWindow, policyWindow } from './rate-limit-policy';

const REDIS_URL = process.env['SNACKBASE_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const logger = createLogger({ level: 'error', format: 'json', silent: true });
const configWith = (env: Record<string, string> = {}) => loadConfig({ env: { SNACKBASE_AUTH_RATE_LIMIT_PER_IP: '3', ...env }, envFile: null });
const prefix = () => `sbtest:rl:${randomBytes(6).toString('hex')}`;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('rate-limit settings', () => {
  it('are off for the API and on for auth by default', () => {
    expect(loadConfig({ env: {}, envFile: null }).rateLimit).toEqual({
      enabled: false,
      perMinute: 60,
      authenticatedPerMinute: 120,
      burst: 10,
      endpoints: {},
      authPerIp: 100,
      authPerIdentity: 5,
      authWindowSeconds: 900,
    });
    expect(loadConfig({ env: {}, envFile: null }).redisUrl).toBeUndefined();
  });

  it('read per-path limits and a Redis URL', () => {
    const c = configWith({ SNACKBASE_RATE_LIMIT_ENDPOINTS: '{"/api/v1/auth/login": 5}', SNACKBASE_REDIS_URL: 'rediss://:pw@cache:6380/2' });
    expect(c.rateLimit.endpoints).toEqual({ '/api/v1/auth/login': 5 });
    expect(c.redisUrl).toBe('rediss://:pw@cache:6380/2');
  });

  it.each([
    [{ SNACKBASE_REDIS_URL: 'http://cache:6379' }, 'Invalid SNACKBASE_REDIS_URL: expected a redis:// or rediss:// URL, got (hidden)'],
    [{ SNACKBASE_RATE_LIMIT_ENDPOINTS: '{"/x": "fast"}' }, 'Invalid SNACKBASE_RATE_LIMIT_ENDPOINTS: expected a JSON object'],
    [{ SNACKBASE_RATE_LIMIT_ENDPOINTS: '{"/x": 0}' }, 'Invalid SNACKBASE_RATE_LIMIT_ENDPOINTS'],
    [{ SNACKBASE_RATE_LIMIT_ENDPOINTS: '[1]' }, 'Invalid SNACKBASE_RATE_LIMIT_ENDPOINTS'],
    [{ SNACKBASE_RATE_LIMIT_BURST: '0' }, 'Invalid SNACKBASE_RATE_LIMIT_BURST'],
  ])('refuse %j', (env, message) => expect(() => configWith(env)).toThrow(message));
});

describe('policy windows', () => {
  it.each([
    [60, 10, { points: 10, durationSeconds: 10, limit: 60 }],
    [120, 10, { points: 10, durationSeconds: 5, limit: 120 }],
    [5, 10, { points: 10, durationSeconds: 120, limit: 5 }],
    [6000, 10, { points: 100, durationSeconds: 1, limit: 6000 }],
    [60, 1, { points: 1, durationSeconds: 1, limit: 60 }],
  ])('%i/min with burst %i is %j', (perMinute, burst, window) => expect(burstWindow(perMinute, burst)).toEqual(window));

  it('uses the per-path rate when one is given', () => {
    expect(policyWindow(configWith().rateLimit, 'api-anonymous', 30)).toEqual({ points: 10, durationSeconds: 20, limit: 30 });
    expect(policyWindow(configWith().rateLimit, 'auth-identity')).toEqual({ points: 5, durationSeconds: 900, limit: 5 });
  });
});

const stores = [
  ['memory', {}],
  ['redis', { SNACKBASE_REDIS_URL: REDIS_URL }],
] as const;

describe.each(stores)('createRateLimiter on %s', (store, env) => {
  const keyPrefix = prefix();
  const admin = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  let limiter: RateLimiter;

  beforeAll(async () => {
    await admin.connect().catch(() => {
      throw new Error(`Redis cannot be reached at ${REDIS_URL}`);
    });
    limiter = createRateLimiter({ config: configWith(env), logger, keyPrefix });
  });
  afterAll(async () => {
    await limiter.close();
    const keys = await admin.keys(`${keyPrefix}:*`);
    if (keys.length) await admin.del(...keys);
    await admin.quit();
  });

  it('keeps its counters where configured', () => expect(limiter.store).toBe(store));

  it('allows the per-IP limit, then refuses with the time left', async () => {
    for (const remaining of [2, 1, 0]) expect(await limiter.consume('auth-ip', 'ip:10.0.0.1')).toMatchObject({ allowed: true, remaining });
    const refused = await limiter.consume('auth-ip', 'ip:10.0.0.1');
    expect(refused).toMatchObject({ allowed: false, limit: 3 });
    expect(refused.allowed === false && refused.retryAfterSeconds).toBeGreaterThan(890);
    expect(await limiter.consume('auth-ip', 'ip:10.0.0.2')).toMatchObject({ allowed: true });
  });

  it('blocks an identity after 5 failures, separately from others, and a success resets it', async () => {
    const alice = 'acme|alice@example.com';
    for (let i = 0; i < 5; i++) {
      expect(await limiter.checkIdentity('auth-identity', alice)).toMatchObject({ allowed: true });
      await limiter.recordFailure('auth-identity', alice);
    }
    const blocked = await limiter.checkIdentity('auth-identity', alice);
    expect(blocked).toMatchObject({ allowed: false });
    expect(blocked.allowed === false && blocked.retryAfterSeconds).toBeGreaterThan(890);
    expect(await limiter.checkIdentity('auth-identity', 'acme|bob@example.com')).toMatchObject({ allowed: true });
    expect(await limiter.checkIdentity('auth-identity', 'other|alice@example.com')).toMatchObject({ allowed: true });

    await limiter.reset('auth-identity', alice);
    expect(await limiter.checkIdentity('auth-identity', alice)).toMatchObject({ allowed: true, remaining: 5 });
  });

  it('refuses the API burst and keys per-path limits apart', async () => {
    const results = [];
    for (let i = 0; i < 11; i++) results.push(await limiter.consume('api-anonymous', 'ip:10.0.0.9'));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    expect(results[10]).toMatchObject({ allowed: false, limit: 60, retryAfterSeconds: expect.any(Number) });
    expect(await limiter.consume('api-anonymous', '/x|ip:10.0.0.9', { perMinute: 30 })).toMatchObject({ allowed: true, limit: 30 });
  });

  it('never limits a policy set to 0', async () => {
    const off = createRateLimiter({ config: configWith({ ...env, SNACKBASE_AUTH_RATE_LIMIT_PER_IP: '0' }), logger, keyPrefix });
    for (let i = 0; i < 30; i++) expect((await off.consume('auth-ip', 'ip:10.0.0.3')).allowed).toBe(true);
    await off.close();
  });

  if (store === 'redis') {
    it('stores hashed keys, never an email or IP address', async () => {
      const keys = await admin.keys(`${keyPrefix}:*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) expect(key).toMatch(new RegExp(`^${keyPrefix}:[a-z-]+(:\\d+)?:[0-9a-f]{64}$`));
    });

    it('shares counters between instances (the scale-out promise)', async () => {
      const other = createRateLimiter({ config: configWith(env), logger, keyPrefix });
      await limiter.consume('auth-ip', 'ip:10.0.0.7');
      await other.consume('auth-ip', 'ip:10.0.0.7');
      await limiter.consume('auth-ip', 'ip:10.0.0.7');
      expect(await other.consume('auth-ip', 'ip:10.0.0.7')).toMatchObject({ allowed: false });

      for (let i = 0; i < 5; i++) await limiter.recordFailure('auth-identity', 'acme|carol@example.com');
      expect(await other.checkIdentity('auth-identity', 'acme|carol@example.com')).toMatchObject({ allowed: false });
      await other.reset('auth-identity', 'acme|carol@example.com');
      expect(await limiter.checkIdentity('auth-identity', 'acme|carol@example.com')).toMatchObject({ allowed: true });
      await other.close();
    });
  }
});

describe('createRateLimiter with Redis unreachable', () => {
  let limiter: RateLimiter;
  beforeAll(async () => {
    const port = await freePort();
    limiter = createRateLimiter({ config: configWith({ SNACKBASE_REDIS_URL: `redis://127.0.0.1:${port}` }), logger, keyPrefix: prefix() });
  });
  afterAll(() => limiter.close());

  it('refuses auth attempts with a 503 and Retry-After, quickly', async () => {
    await limiter.consume('auth-ip', 'warm-up').catch(() => undefined);
    const started = Date.now();
    const error = await limiter.consume('auth-ip', 'ip:10.0.0.1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ status: 503, code: 'service_unavailable', extras: { retry_after: 5 } });
    await expect(limiter.recordFailure('auth-identity', 'acme|a@b.c')).rejects.toMatchObject({ status: 503 });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('keeps limiting the API per process', async () => {
    const results = [];
    for (let i = 0; i < 11; i++) results.push(await limiter.consume('api-authenticated', 'user:u1'));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
  });
});
