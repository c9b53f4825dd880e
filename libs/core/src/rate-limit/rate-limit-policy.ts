import type { Config } from '../config';

/**
 * What is being counted: brute-force attempts per client IP (`auth-ip`), failed sign-ins per
 * account + email (`auth-identity`), and the general API limit of spec §10.7 for anonymous
 * callers (per IP) and signed-in users (per user).
 */
export type RateLimitPolicy = 'auth-ip' | 'auth-identity' | 'api-anonymous' | 'api-authenticated';

/** A fixed window: at most `points` hits per `durationSeconds`. `points` 0 means "no limit". */
export interface PolicyWindow {
  readonly points: number;
  readonly durationSeconds: number;
  /** What `X-RateLimit-Limit` reports: requests per minute for API policies, `points` otherwise. */
  readonly limit: number;
}

/** The auth policies fail closed (503) when the shared store is down; the API ones do not. */
export function isAuthPolicy(policy: RateLimitPolicy): boolean {
  return policy === 'auth-ip' || policy === 'auth-identity';
}

/**
 * Spec §10.7's token bucket (capacity `burst`, refilled at `perMinute`/60 per second) as the
 * fixed window a shared counter can hold: about `burst` requests per window, the window sized so
 * the long-run rate is `perMinute`.
 * @example burstWindow(60, 10) // { points: 10, durationSeconds: 10, limit: 60 }
 */
export function burstWindow(perMinute: number, burst: number): PolicyWindow {
  const durationSeconds = Math.max(1, Math.round((Math.max(1, burst) * 60) / perMinute));
  const points = Math.max(1, Math.round((perMinute * durationSeconds) / 60));
  return { points, durationSeconds, limit: perMinute };
}

/** The window of `policy`; `perMinute` overrides the API rate (`SNACKBASE_RATE_LIMIT_ENDPOINTS`). */
export function policyWindow(limits: Config['rateLimit'], policy: RateLimitPolicy, perMinute?: number): PolicyWindow {
  switch (policy) {
    case 'auth-ip':
      return { points: limits.authPerIp, durationSeconds: limits.authWindowSeconds, limit: limits.authPerIp };
    case 'auth-identity':
      return { points: limits.authPerIdentity, durationSeconds: limits.authWindowSeconds, limit: limits.authPerIdentity };
    case 'api-anonymous':
      return burstWindow(perMinute ?? limits.perMinute, limits.burst);
    case 'api-authenticated':
      return burstWindow(perMinute ?? limits.authenticatedPerMinute, limits.burst);
  }
}
