import type { NextFunction, Request, Response } from 'express';
import { ANONYMOUS, forbidden, unauthorized, type Core, type Principal, type RequestContext } from '@snackbase/core';
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

/**
 * Resolves `Authorization: Bearer <jwt>` to a principal. It never rejects by itself: a bad
 * credential leaves the request anonymous and marked, so rule-governed routes can treat it as
 * anonymous (spec §2.1) and user-only routes answer 401 (see {@link requireUser}).
 */
export function authenticate(core: Core) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const token = bearer(req);
      const principal = await core.auth.authenticate(token);
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

/** The {@link RequestContext} core calls take, built from this request. */
export function contextOf(req: Request, res: Response): RequestContext {
  return { principal: principalOf(res), requestId: requestIdOf(res), ip: req.ip, userAgent: req.get('user-agent') };
}
