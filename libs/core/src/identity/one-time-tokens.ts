import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { hashToken, randomToken } from '@snackbase/auth';
import { nowIso, type GlobalDatabase } from '@snackbase/db';

/** The purposes a one-time token can serve; each has its own table, so a token is purpose-bound. */
export type OneTimePurpose = 'email_verification_tokens' | 'password_reset_tokens';

/** Verification and reset links live one hour (spec §2.8, §2.11). */
export const ONE_TIME_TOKEN_TTL_MS = 60 * 60 * 1000;

/**
 * Issues a single-use token for `userId`/`email` and stores only its SHA-256; earlier tokens of
 * that user and purpose are deleted. Returns the raw token for the link (never stored).
 */
export async function issueOneTimeToken(trx: Kysely<GlobalDatabase>, purpose: OneTimePurpose, userId: string, email: string): Promise<{ token: string; expiresAt: string }> {
  const token = randomToken(32);
  const expiresAt = new Date(Date.now() + ONE_TIME_TOKEN_TTL_MS).toISOString();
  await trx.deleteFrom(purpose).where('user_id', '=', userId).execute();
  await trx.insertInto(purpose).values({ id: randomUUID(), user_id: userId, email, token_hash: hashToken(token), expires_at: expiresAt }).execute();
  return { token, expiresAt };
}

/**
 * Marks the token used and returns its user, or undefined when it is unknown, used or expired.
 * The conditional update makes two concurrent uses of one token succeed at most once.
 */
export async function consumeOneTimeToken(trx: Kysely<GlobalDatabase>, purpose: OneTimePurpose, token: string): Promise<{ userId: string } | undefined> {
  const hash = hashToken(token);
  const now = nowIso();
  const row = await trx.selectFrom(purpose).select(['id', 'user_id']).where('token_hash', '=', hash).where('used_at', 'is', null).where('expires_at', '>', now).executeTakeFirst();
  if (!row) return undefined;
  const claimed = await trx.updateTable(purpose).set({ used_at: now }).where('id', '=', row.id).where('used_at', 'is', null).executeTakeFirst();
  return Number(claimed.numUpdatedRows) === 1 ? { userId: row.user_id } : undefined;
}

/** Whether a token is currently usable, and until when (`GET /auth/verify-reset-token`). */
export async function peekOneTimeToken(db: Kysely<GlobalDatabase>, purpose: OneTimePurpose, token: string): Promise<{ valid: boolean; expires_at: string | null }> {
  const row = await db.selectFrom(purpose).select(['expires_at']).where('token_hash', '=', hashToken(token)).where('used_at', 'is', null).where('expires_at', '>', nowIso()).executeTakeFirst();
  return { valid: !!row, expires_at: row?.expires_at ?? null };
}

/** The user of a currently usable token, without using it up; undefined when unknown, used or expired. */
export async function peekOneTimeTokenUser(db: Kysely<GlobalDatabase>, purpose: OneTimePurpose, token: string): Promise<{ userId: string } | undefined> {
  const row = await db.selectFrom(purpose).select(['user_id']).where('token_hash', '=', hashToken(token)).where('used_at', 'is', null).where('expires_at', '>', nowIso()).executeTakeFirst();
  return row ? { userId: row.user_id } : undefined;
}

/** Deletes a token that was issued but could not be delivered. */
export async function discardOneTimeToken(db: Kysely<GlobalDatabase>, purpose: OneTimePurpose, token: string): Promise<void> {
  await db.deleteFrom(purpose).where('token_hash', '=', hashToken(token)).execute();
}
