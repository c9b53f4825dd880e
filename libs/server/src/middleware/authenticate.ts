import type { NextFunction, Request, Response } from 'express';
import { ANONYMOUS, unauthorized, type Core, type Principal } from '@snackbase/core';

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
