import type { NextFunction, Request, Response } from 'express';
import { tooManyRequests, type Core, type RateLimitDecision, type RateLimiter, type RateLimitPolicy } from '@snackbase/core';
import { principalOf } from './authenticate';
import { requestIdOf } from './request-context';

/** What the rate-limit middleware needs from the core (`Core` once it carries `rateLimit`). */
export type RateLimitDeps = Pick<Core, 'config' | 'logger'> & { readonly rateLimit: RateLimiter };

/** Probes are never limited, so an orchestrator never restarts a busy instance (fixes §12.7 item 51). */
const HEALTH_PATHS: ReadonlySet<string> = new Set(['/health', '/ready', '/live']);

const pathOf = (req: Request) => req.originalUrl.split('?')[0] ?? '';

function setLimitHeaders(res: Response, decision: RateLimitDecision): void {
  res.setHeader('X-RateLimit-Limit', String(decision.limit));
  res.setHeader('X-RateLimit-Remaining', String(decision.allowed ? decision.remaining : 0));
  res.setHeader('X-RateLimit-Reset', String(decision.allowed ? decision.resetSeconds : decision.retryAfterSeconds));
}

/**
 * The general API limit of spec §10.7 when `SNACKBASE_RATE_LIMIT_ENABLED` (a no-op otherwise):
 * signed-in users per user, anonymous callers per client IP (`req.ip`, so Express `trust proxy`
 * decides whether X-Forwarded-For counts), exact paths of `SNACKBASE_RATE_LIMIT_ENDPOINTS` at
 * their own rate. Health probes and superadmins are never limited. Mount it after
 * `authenticate`, since it reads the principal. Refusal: 429 with `Retry-After`.
 */
export function apiRateLimit(deps: RateLimitDeps) {
  const { config, rateLimit } = deps;
  if (!config.rateLimit.enabled) return (_req: Request, _res: Response, next: NextFunction) => next();
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const path = pathOf(req);
      const principal = principalOf(res);
      if (HEALTH_PATHS.has(path) || (principal.kind === 'user' && principal.isSuperadmin)) return next();
      const [policy, key]: [RateLimitPolicy, string] =
        principal.kind === 'user' ? ['api-authenticated', `user:${principal.userId}`] : ['api-anonymous', `ip:${req.ip}`];
      const perMinute = Object.hasOwn(config.rateLimit.endpoints, path) ? config.rateLimit.endpoints[path] : undefined;
      const decision = await rateLimit.consume(policy, perMinute === undefined ? key : `${path}|${key}`, { perMinute });
      setLimitHeaders(res, decision);
      if (!decision.allowed) return next(tooManyRequests(decision.retryAfterSeconds));
      next();
    } catch (e) {
      next(e);
    }
  };
}

/** Options of {@link authRateLimit}. */
export interface AuthRateLimitOptions {
  /** The identity an attempt is about (see {@link accountEmailIdentity}); `undefined` = per-IP limit only. */
  readonly identity?: (req: Request) => string | undefined;
  /**
   * Whether a successful answer (status < 400) clears the identity's count. True for sign-in and
   * verification; false where every request should count (password reset mails, registration).
   */
  readonly resetOnSuccess?: boolean;
  /**
   * Namespace of the identity counter, one per route (e.g. `login`), so reset-mail requests
   * never count towards a sign-in lockout and the other way round.
   */
  readonly scope?: string;
}

/**
 * Brute-force protection of one auth route. Every attempt counts against the client IP
 * (`SNACKBASE_AUTH_RATE_LIMIT_PER_IP` per window). When `identity` names one, the attempt also
 * counts as a failure of that identity *before* the handler runs (so parallel guesses cannot
 * slip past), and a success clears it: `SNACKBASE_AUTH_RATE_LIMIT_PER_IDENTITY` failures in a
 * row block it for a window. Refusal: 429 with `Retry-After`; counter store down: 503.
 * @example router.post('/auth/login', authRateLimit(core, { identity: accountEmailIdentity }), handler)
 */
export function authRateLimit(deps: RateLimitDeps, options: AuthRateLimitOptions = {}) {
  const { rateLimit, logger } = deps;
  const resetOnSuccess = options.resetOnSuccess ?? true;
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const ip = await rateLimit.consume('auth-ip', `ip:${req.ip}`);
      if (!ip.allowed) return next(tooManyRequests(ip.retryAfterSeconds));
      const named = options.identity?.(req);
      if (named === undefined) return next();
      const identity = options.scope ? `${options.scope}|${named}` : named;
      const decision = await checkAndRecord(rateLimit, identity);
      if (!decision.allowed) return next(tooManyRequests(decision.retryAfterSeconds));
      if (resetOnSuccess) {
        res.on('finish', () => {
          if (res.statusCode >= 400) return;
          rateLimit.reset('auth-identity', identity).catch((e: Error) => logger.warn('could not reset auth failures', { request_id: requestIdOf(res), error: e.message }));
        });
      }
      next();
    } catch (e) {
      next(e);
    }
  };
}

async function checkAndRecord(rateLimit: RateLimiter, identity: string): Promise<RateLimitDecision> {
  const check = await rateLimit.checkIdentity('auth-identity', identity);
  return check.allowed ? rateLimit.recordFailure('auth-identity', identity) : check;
}

/**
 * `account|email` from a JSON body with `email` (and optional `account`), lower-cased and
 * trimmed, or `undefined` when the body names no email. The limiter hashes it before storing.
 */
export function accountEmailIdentity(req: Request): string | undefined {
  const body = req.body as { account?: unknown; email?: unknown } | undefined;
  if (typeof body?.email !== 'string' || !body.email.trim()) return undefined;
  const account = typeof body.account === 'string' ? body.account.trim().toLowerCase() : '';
  return `${account}|${body.email.trim().toLowerCase()}`;
}
