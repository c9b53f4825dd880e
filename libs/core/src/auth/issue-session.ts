import type { Kysely } from 'kysely';
import { hashToken, type TokenSigner } from '@snackbase/auth';
import type { GlobalDatabase } from '@snackbase/db';
import { accountScope, tenantTable } from '@snackbase/tenancy';

/** A user as tokens describe them. */
export interface TokenSubject {
  readonly userId: string;
  readonly accountId: string;
  readonly email: string;
  readonly role: string;
}

/** A fresh access + refresh token pair. */
export interface IssuedTokens {
  readonly token: string;
  readonly refresh_token: string;
  readonly expires_in: number;
}

/**
 * Signs an access and a refresh token for `subject` in session `sessionId` and stores the
 * refresh token's hash (never the token) in the caller's transaction.
 */
export async function issueTokens(trx: Kysely<GlobalDatabase>, signer: TokenSigner, subject: TokenSubject, sessionId: string): Promise<IssuedTokens & { jti: string }> {
  const access = signer.signAccess({ user_id: subject.userId, account_id: subject.accountId, email: subject.email, role: subject.role, sid: sessionId });
  const refresh = signer.signRefresh({ user_id: subject.userId, account_id: subject.accountId, sid: sessionId });
  await tenantTable(trx, accountScope(subject.accountId), 'refresh_tokens')
    .insert({ id: refresh.jti, user_id: subject.userId, family_id: sessionId, token_hash: hashToken(refresh.token), expires_at: refresh.expiresAt.toISOString() })
    .execute();
  return { token: access.token, refresh_token: refresh.token, expires_in: access.expiresIn, jti: refresh.jti };
}

/** Revokes every live refresh token of a session; its access tokens die with it. */
export async function revokeSession(trx: Kysely<GlobalDatabase>, accountId: string, sessionId: string): Promise<void> {
  await tenantTable(trx, accountScope(accountId), 'refresh_tokens')
    .update({ is_revoked: true, revoked_at: new Date().toISOString() })
    .where('family_id', '=', sessionId)
    .where('is_revoked', '=', false)
    .execute();
}

/** Revokes every live session of a user (password change, deactivation). */
export async function revokeUserSessions(trx: Kysely<GlobalDatabase>, accountId: string, userId: string): Promise<void> {
  await tenantTable(trx, accountScope(accountId), 'refresh_tokens')
    .update({ is_revoked: true, revoked_at: new Date().toISOString() })
    .where('user_id', '=', userId)
    .where('is_revoked', '=', false)
    .execute();
}
