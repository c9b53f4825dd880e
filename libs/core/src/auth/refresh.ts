import { hashToken, TokenError, type TokenSigner } from '@snackbase/auth';
import { fromDbBool, type SnackDatabase } from '@snackbase/db';
import { accountScope, tenantTable } from '@snackbase/tenancy';
import { unauthorized } from '../errors';
import { issueTokens, revokeSession, type IssuedTokens } from './issue-session';
import type { SessionCheck } from './session-check';

const invalid = () => unauthorized('Invalid or expired refresh token', 'unauthorized');

/**
 * `POST /auth/refresh` (spec §2.5): rotates the refresh token. Presenting a token that was
 * already rotated or revoked is treated as theft and revokes its whole session (the reference
 * only rejects the replayed token: §12.1 item 4).
 */
export async function refresh(db: SnackDatabase, signer: TokenSigner, sessions: SessionCheck, refreshToken: string): Promise<IssuedTokens> {
  let claims;
  try {
    claims = signer.verifyRefresh(refreshToken);
  } catch (e) {
    if (e instanceof TokenError) throw invalid();
    throw e;
  }
  const scope = accountScope(claims.account_id);
  const outcome = await db.transaction(async (trx) => {
    const tokens = tenantTable(trx, scope, 'refresh_tokens');
    const row = await tokens.select().select(['id', 'family_id', 'is_revoked', 'expires_at']).where('token_hash', '=', hashToken(refreshToken)).executeTakeFirst();
    if (!row || row.family_id !== claims.sid) return 'invalid' as const;
    if (fromDbBool(row.is_revoked)) {
      await revokeSession(trx, claims.account_id, row.family_id);
      return 'reused' as const;
    }
    const user = await tenantTable(trx, scope, 'users')
      .select()
      .innerJoin('roles', 'roles.id', 'users.role_id')
      .select(['users.id', 'users.email', 'users.is_active', 'roles.name as role'])
      .where('users.id', '=', claims.user_id)
      .executeTakeFirst();
    if (!user || !fromDbBool(user.is_active) || row.expires_at <= new Date().toISOString()) return 'invalid' as const;
    // Claim the old token with a conditional update, so of two concurrent refreshes with the
    // same token exactly one wins and the other counts as reuse (no FOR UPDATE on SQLite).
    const claimed = await tokens.update({ is_revoked: true, revoked_at: new Date().toISOString() }).where('id', '=', row.id).where('is_revoked', '=', false).executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) {
      await revokeSession(trx, claims.account_id, row.family_id);
      return 'reused' as const;
    }
    const issued = await issueTokens(trx, signer, { userId: user.id, accountId: claims.account_id, email: user.email, role: user.role }, row.family_id);
    await tokens.update({ replaced_by: issued.jti }).where('id', '=', row.id).execute();
    return issued;
  });
  if (outcome === 'reused') sessions.forgetSession(claims.sid);
  if (typeof outcome === 'string') throw invalid();
  return { token: outcome.token, refresh_token: outcome.refresh_token, expires_in: outcome.expires_in };
}
