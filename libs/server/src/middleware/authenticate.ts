import type { NextFunction, Request, Response } from 'express';
import { ANONYMOUS, API_KEY_PREFIX, forbidden, LEGACY_API_KEY_PREFIX, unauthorized, type Core, type Principal, type RequestContext } from '@snackbase/core';
import { requestIdOf } from './request-context';

/** The principal of the request (set by {@link authenticate}). */
export function principalOf(res: Response): Principal {
  return (res.locals['principal'] as Principal | undefined) ?? ANONYMOUS;
}

/** True when the request carried a credential that did not check out. */
export function credentialRejected(res: Response): boolean {
  return res.locals['credentialRejected'] === true;
}

function bearer(req: Request): string | undefined {
  const header = req.get('authorization');
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return m?.[1] ?? '';
}

const isApiKey = (value: string) => value.startsWith(API_KEY_PREFIX) || value.startsWith(LEGACY_API_KEY_PREFIX);

/**
 * The credential of a request and who checks it (spec §2.1): a Bearer value decides when there
 * is one (an `sb_ak.`/`sb_sk_` value is a key, anything else an access token), and then an
 * `X-API-Key` sent alongside is not checked at all (DECISIONS); without one, `X-API-Key` does.
 */
function resolve(core: Core, req: Request): Promise<Principal | null> {
  const token = bearer(req);
  if (token && isApiKey(token)) return core.apiKeys.authenticate(token);
  const apiKey = req.get('x-api-key')?.trim();
  if (!token && apiKey) return core.apiKeys.authenticate(apiKey);
  return core.auth.authenticate(token);
}

/**
 * Resolves `Authorization: Bearer <jwt>`, an API key in `X-API-Key` or `Authorization: Bearer
 * sb_ak.…` to a principal. It never rejects by itself: a bad credential leaves the request
 * anonymous and marked, so rule-governed routes can treat it as anonymous (spec §2.1) and
 * user-only routes answer 401 (see {@link requireUser}).
 */
export function authenticate(core: Core) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const principal = await resolve(core, req);
      res.locals['principal'] = principal ?? ANONYMOUS;
      res.locals['credentialRejected'] = principal === null;
      next();
    } catch (e) {
      next(e);
    }
  };
}

/** The signed-in user, or a 401 for anonymous callers and rejected credentials. */
export function requireUser(res: Response): Extract<Principal, { kind: 'user' }> {
  const p = principalOf(res);
  if (p.kind !== 'user') throw unauthorized(credentialRejected(res) ? 'Invalid or expired token' : 'Authentication required');
  return p;
}

/** A superadmin, else 401 (no user) or 403 (a user of a tenant account). */
export function requireSuperadmin(res: Response): Extract<Principal, { kind: 'user' }> {
  const user = requireUser(res);
  if (!user.isSuperadmin) throw forbidden('Superadmin access required');
  return user;
}

/**
 * Middleware for every route under a path that runs `check` ({@link requireUser},
 * {@link requireSuperadmin}) first: who may call comes before what they sent, so a caller
 * without access gets 401/403, never a 422 about the body or the path.
 */
export function checkAccessFirst(check: (res: Response) => unknown) {
  return (_req: Request, res: Response, next: NextFunction) => {
    try {
      check(res);
      next();
    } catch (e) {
      next(e);
    }
  };
}

/** The {@link RequestContext} core calls take, built from this request. */
export function contextOf(req: Request, res: Response): RequestContext {
  return { principal: principalOf(res), requestId: requestIdOf(res), ip: req.ip, userAgent: req.get('user-agent') };
}
