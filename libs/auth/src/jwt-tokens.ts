import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

export const TOKEN_ISSUER = 'snackbase';

/** Claims of an access token (spec §2.4, plus `jti` and `sid` per spec/DECISIONS.md). */
export interface AccessClaims {
  readonly sub: string;
  readonly user_id: string;
  readonly account_id: string;
  readonly email: string;
  readonly role: string;
  /** The refresh-token family (login session) this token belongs to. */
  readonly sid: string;
  readonly jti: string;
  readonly type: 'access';
  readonly iat: number;
  readonly exp: number;
}

/** Claims of a refresh token (spec §2.5, plus its family `sid`). */
export interface RefreshClaims {
  readonly sub: string;
  readonly user_id: string;
  readonly account_id: string;
  readonly sid: string;
  readonly jti: string;
  readonly type: 'refresh';
  readonly iat: number;
  readonly exp: number;
}

/** A token that is malformed, forged, expired, of the wrong type or signed another way. */
export class TokenError extends Error {
  override readonly name = 'TokenError';
}

/** Signs and verifies SnackBase's JWTs with one HS256 key. */
export interface TokenSigner {
  signAccess(claims: Pick<AccessClaims, 'user_id' | 'account_id' | 'email' | 'role' | 'sid'>): { token: string; jti: string; expiresIn: number };
  signRefresh(claims: Pick<RefreshClaims, 'user_id' | 'account_id' | 'sid'>): { token: string; jti: string; expiresAt: Date };
  verifyAccess(token: string): AccessClaims;
  verifyRefresh(token: string): RefreshClaims;
}

/**
 * HS256 with the key made once (a string secret makes jsonwebtoken try to parse it as a public
 * key on every verify: TOOLCHAIN pitfall 18). Verification pins the algorithm, so `none` and
 * RS/HS confusion are refused, and checks issuer, expiry and token type.
 */
export function createTokenSigner(options: { secret: string; accessMinutes: number; refreshDays: number }): TokenSigner {
  const key: KeyObject = createSecretKey(Buffer.from(options.secret, 'utf8'));
  const accessSeconds = options.accessMinutes * 60;
  const refreshSeconds = options.refreshDays * 86400;

  function verify<T extends { type: string }>(token: string, type: T['type']): T {
    let claims: jwt.JwtPayload | string;
    try {
      claims = jwt.verify(token, key, { algorithms: ['HS256'], issuer: TOKEN_ISSUER });
    } catch (e) {
      throw new TokenError((e as Error).name === 'TokenExpiredError' ? 'Token has expired' : 'Invalid token');
    }
    if (typeof claims === 'string' || claims['type'] !== type) throw new TokenError(type === 'access' ? 'Not an access token' : 'Not a refresh token');
    if (typeof claims['sub'] !== 'string' || typeof claims['account_id'] !== 'string' || typeof claims['sid'] !== 'string') {
      throw new TokenError('Invalid token');
    }
    return claims as unknown as T;
  }

  return {
    signAccess(claims) {
      const jti = randomUUID();
      const token = jwt.sign({ ...claims, jti, type: 'access' }, key, { algorithm: 'HS256', expiresIn: accessSeconds, issuer: TOKEN_ISSUER, subject: claims.user_id });
      return { token, jti, expiresIn: accessSeconds };
    },
    signRefresh(claims) {
      const jti = randomUUID();
      const token = jwt.sign({ ...claims, jti, type: 'refresh' }, key, { algorithm: 'HS256', expiresIn: refreshSeconds, issuer: TOKEN_ISSUER, subject: claims.user_id });
      return { token, jti, expiresAt: new Date(Date.now() + refreshSeconds * 1000) };
    },
    verifyAccess: (token) => verify<AccessClaims>(token, 'access'),
    verifyRefresh: (token) => verify<RefreshClaims>(token, 'refresh'),
  };
}
