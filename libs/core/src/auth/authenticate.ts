import { TokenError, type TokenSigner } from '@snackbase/auth';
import { ANONYMOUS, isSuperadminAccount, type Principal } from './principal';
import type { SessionCheck } from './session-check';

/**
 * The principal behind a Bearer access token. A malformed, forged or expired token, a revoked
 * session or a deactivated user all give `null`: the caller decides whether that is anonymous
 * (rule-governed routes, spec §2.1) or a 401 (routes that require a user).
 */
export async function authenticateBearer(signer: TokenSigner, sessions: SessionCheck, token: string | undefined): Promise<Principal | null> {
  if (!token) return ANONYMOUS;
  let claims;
  try {
    claims = signer.verifyAccess(token);
  } catch (e) {
    if (e instanceof TokenError) return null;
    throw e;
  }
  if (!(await sessions.isAlive(claims.account_id, claims.user_id, claims.sid))) return null;
  return {
    kind: 'user',
    userId: claims.user_id,
    accountId: claims.account_id,
    email: claims.email,
    role: claims.role,
    sessionId: claims.sid,
    isSuperadmin: isSuperadminAccount(claims.account_id),
  };
}
