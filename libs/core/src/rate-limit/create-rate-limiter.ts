import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Config } from '../config';
import { serviceUnavailable } from '../errors';
import type { Logger } from '../logging';
import { createRedisClient, REDIS_CONNECT_TIMEOUT_MS } from './create-redis-client';
import { isAuthPolicy, policyWindow, type PolicyWindow, type RateLimitPolicy } from './rate-limit-policy';

/** What {@link createRateLimiter} needs. */
export interface RateLimiterDeps {
  readonly config: Config;
  readonly logger: Logger;
  /** A client to use instead of one opened from `config.redisUrl`; the caller closes it. */
  readonly redis?: Redis;
  /** Prefix of every counter key; tests pass a unique one. Defaults to `snackbase:rl`. */
  readonly keyPrefix?: string;
}

/** The answer for one hit: allowed (with what is left) or refused (with when to retry). */
export type RateLimitDecision =
  | { readonly allowed: true; readonly limit: number; readonly remaining: number; readonly resetSeconds: number }
  | { readonly allowed: false; readonly limit: number; readonly retryAfterSeconds: number };

/**
 * Counters for brute-force protection and the API rate limit, in Redis when one is configured
 * (shared by every instance) and in memory otherwise. Keys are hashed before they are stored,
 * so no email or IP address lands in Redis. When Redis is down, auth policies throw a 503
 * `service_unavailable` (fail closed, not open); API policies fall back to per-process counters.
 * @example
 * const ip = await limiter.consume('auth-ip', `ip:${req.ip}`);
 * if (!ip.allowed) throw tooManyRequests(ip.retryAfterSeconds);
 */
export interface RateLimiter {
  /** Where the counters live. */
  readonly store: 'redis' | 'memory';
  /** Counts one hit for `key`. `perMinute` overrides an API policy's rate (per-path limits). */
  consume(policy: RateLimitPolicy, key: string, options?: { readonly perMinute?: number }): Promise<RateLimitDecision>;
  /** Whether `key` may try again, without counting anything. */
  checkIdentity(policy: RateLimitPolicy, key: string): Promise<RateLimitDecision>;
  /** Counts one failure; reaching the limit blocks `key` for the whole window. */
  recordFailure(policy: RateLimitPolicy, key: string): Promise<RateLimitDecision>;
  /** Forgets the failures of `key` (call it after a success). */
  reset(policy: RateLimitPolicy, key: string): Promise<void>;
  /** Quits the Redis client it opened (not one passed in). */
  close(): Promise<void>;
}

/** Seconds a client is told to wait when the counter store is down; ioredis retries every ≤ 2 s. */
const STORE_DOWN_RETRY_AFTER = 5;

const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');
const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

function allowed(window: PolicyWindow, res: RateLimiterRes | null): RateLimitDecision {
  return { allowed: true, limit: window.limit, remaining: res?.remainingPoints ?? window.points, resetSeconds: res ? seconds(res.msBeforeNext) : 0 };
}

function refused(window: PolicyWindow, res: RateLimiterRes): RateLimitDecision {
  return { allowed: false, limit: window.limit, retryAfterSeconds: seconds(res.msBeforeNext) };
}

/** Waits (once, at start) for the first connection so the first requests do not see a 503. */
function firstConnection(client: Redis): () => Promise<void> {
  let pending: Promise<void> | undefined =
    client.status === 'ready'
      ? undefined
      : new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, REDIS_CONNECT_TIMEOUT_MS);
          timer.unref();
          client.once('ready', () => (clearTimeout(timer), resolve()));
        }).then(() => void (pending = undefined));
  return () => pending ?? Promise.resolve();
}

/** Builds the limiter of {@link RateLimiter}: Redis-backed when `redis` or `config.redisUrl` is given. */
export function createRateLimiter(deps: RateLimiterDeps): RateLimiter {
  const { config, logger } = deps;
  const prefix = deps.keyPrefix ?? 'snackbase:rl';
  const owned = !deps.redis && config.redisUrl ? createRedisClient(config.redisUrl, logger) : undefined;
  const client = deps.redis ?? owned;
  const connected = client ? firstConnection(client) : () => Promise.resolve();
  const limiters = new Map<string, RateLimiterAbstract>();
  const fallbacks = new Map<string, RateLimiterAbstract>();
  let fallbackLogged = false;

  function limiterFor(policy: RateLimitPolicy, window: PolicyWindow, perMinute?: number, memory = false): RateLimiterAbstract {
    const name = perMinute === undefined ? policy : `${policy}:${perMinute}`;
    const cache = memory ? fallbacks : limiters;
    let limiter = cache.get(name);
    if (!limiter) {
      const opts = { keyPrefix: `${prefix}:${name}`, points: window.points, duration: window.durationSeconds };
      limiter = client && !memory ? new RateLimiterRedis({ ...opts, storeClient: client, rejectIfRedisNotReady: true }) : new RateLimiterMemory(opts);
      cache.set(name, limiter);
    }
    return limiter;
  }

  /** Runs `op` on the policy's counter; a refusal comes back as `RateLimiterRes`, a store failure is handled. */
  async function run(policy: RateLimitPolicy, perMinute: number | undefined, op: (l: RateLimiterAbstract, w: PolicyWindow) => Promise<RateLimitDecision>) {
    const window = policyWindow(config.rateLimit, policy, perMinute);
    if (window.points <= 0) return { allowed: true, limit: 0, remaining: 0, resetSeconds: 0 } as const;
    await connected();
    try {
      return await op(limiterFor(policy, window, perMinute), window);
    } catch (e) {
      if (e instanceof RateLimiterRes) return refused(window, e);
      if (isAuthPolicy(policy)) {
        logger.error('rate-limit store unavailable; refusing auth attempt', { policy, error: (e as Error).message });
        throw serviceUnavailable('Rate limiting is temporarily unavailable; try again shortly', STORE_DOWN_RETRY_AFTER);
      }
      if (!fallbackLogged) logger.warn('rate-limit store unavailable; counting API requests per process', { policy, error: (e as Error).message });
      fallbackLogged = true;
      return op(limiterFor(policy, window, perMinute, true), window).catch((r: RateLimiterRes) => refused(window, r));
    }
  }

  const consume = (policy: RateLimitPolicy, key: string, perMinute?: number) =>
    run(policy, perMinute, async (l, w) => {
      const res = await l.consume(hashKey(key));
      fallbackLogged = false;
      return allowed(w, res);
    });

  return {
    store: client ? 'redis' : 'memory',
    consume: (policy, key, options) => consume(policy, key, options?.perMinute),
    checkIdentity: (policy, key) =>
      run(policy, undefined, async (l, w) => {
        const res = await l.get(hashKey(key));
        return res && res.consumedPoints >= w.points ? refused(w, res) : allowed(w, res);
      }),
    recordFailure: (policy, key) =>
      run(policy, undefined, async (l, w) => {
        const res = await l.consume(hashKey(key));
        if (res.consumedPoints < w.points) return allowed(w, res);
        // The failure that reaches the limit blocks the identity for a whole window from now.
        await l.block(hashKey(key), w.durationSeconds);
        return allowed(w, new RateLimiterRes(0, w.durationSeconds * 1000, res.consumedPoints));
      }),
    reset: async (policy, key) => {
      const window = policyWindow(config.rateLimit, policy);
      if (window.points <= 0) return;
      await limiterFor(policy, window).delete(hashKey(key));
    },
    close: async () => {
      if (owned && owned.status !== 'end') await owned.quit().catch(() => owned.disconnect());
    },
  };
}
