import { hashPassword, passwordProblems, verifyDummyPassword } from '@snackbase/auth';
import { nowIso, type SnackDatabase } from '@snackbase/db';
import { accountScope, allAccounts, tenantTable } from '@snackbase/tenancy';
import type { AuditRecorder } from '../audit';
import { revokeUserSessions } from '../auth';
import type { RequestContext } from '../context';
import type { Logger } from '../logging';
import { AppError, badRequest, notFound, serviceUnavailable, validationFailed } from '../errors';
import type { IdentityMailer } from './identity-mailer';
import { consumeOneTimeToken, discardOneTimeToken, issueOneTimeToken, peekOneTimeTokenUser } from './one-time-tokens';

/** Mails `{app_url}/reset-password?token=…` with the password_reset template. */
async function mailResetLink(mail: IdentityMailer, input: { email: string; accountId?: string; token: string; ip?: string; requestId: string }): Promise<void> {
  const url = await mail.buildLink('/reset-password', { token: input.token });
  await mail.send({ to: input.email, template: 'password_reset', variables: { reset_url: url, token: input.token, email: input.email, ip_address: input.ip ?? '' }, accountId: input.accountId, requestId: input.requestId });
}

export const FORGOT_PASSWORD_MESSAGE = 'If an account with that email exists, a password reset link has been sent.';

/** Called after a user's sessions were revoked, so caches forget them at once. */
export type SessionsForgetter = (userId: string) => void;

/**
 * `POST /auth/forgot-password` (spec §2.11): always the same answer, whether or not the account
 * and user exist, so it cannot be used to find out who has an account.
 */
export async function forgotPassword(
  deps: { db: SnackDatabase; mail: IdentityMailer; logger: Logger },
  input: { email: string; accountId: string | undefined; ip?: string; requestId: string },
): Promise<{ message: string }> {
  const email = input.email.trim().toLowerCase();
  const user = input.accountId
    ? await tenantTable(deps.db.kysely, accountScope(input.accountId), 'users').select().select(['id', 'email', 'auth_provider', 'is_active']).where('email', '=', email).executeTakeFirst()
    : undefined;
  if (!user || user.auth_provider !== 'password') {
    await verifyDummyPassword(email); // spend the time a real request spends hashing nothing less
    return { message: FORGOT_PASSWORD_MESSAGE };
  }
  // Token committed first, mail sent outside the transaction (see sendVerificationMail).
  const { token } = await deps.db.transaction((trx) => issueOneTimeToken(trx, 'password_reset_tokens', user.id, user.email));
  try {
    await mailResetLink(deps.mail, { email: user.email, accountId: input.accountId, token, ip: input.ip, requestId: input.requestId });
  } catch (e) {
    await discardOneTimeToken(deps.db.kysely, 'password_reset_tokens', token);
    deps.logger.warn('password reset mail failed', { request_id: input.requestId, error: (e as Error).message });
  }
  return { message: FORGOT_PASSWORD_MESSAGE };
}

/**
 * `POST /auth/reset-password`: sets the new password and ends every session of the user. The
 * change is audited (actor: `ctx`'s principal) with the hash redacted.
 */
export async function resetPassword(
  ctx: RequestContext,
  deps: { db: SnackDatabase; audit: AuditRecorder },
  forgetSessions: SessionsForgetter,
  input: { token: string; newPassword: string },
): Promise<{ message: string }> {
  const problems = passwordProblems(input.newPassword);
  if (problems.length) throw validationFailed(problems);
  const hash = await hashPassword(input.newPassword);
  const owner = await deps.db.transaction(async (trx) => {
    const used = await consumeOneTimeToken(trx, 'password_reset_tokens', input.token);
    if (!used) return undefined;
    const user = await tenantTable(trx, allAccounts('reset token names its user'), 'users')
      .select()
      .select(['id', 'account_id', 'password_hash', 'updated_at'])
      .where('id', '=', used.userId)
      .executeTakeFirst();
    if (!user) return undefined;
    const after = { password_hash: hash, updated_at: nowIso() };
    await tenantTable(trx, accountScope(user.account_id), 'users').update(after).where('id', '=', user.id).execute();
    await revokeUserSessions(trx, user.account_id, user.id);
    const before = { password_hash: user.password_hash, updated_at: user.updated_at };
    await deps.audit.record(trx, ctx, { operation: 'UPDATE', table: 'users', recordId: user.id, accountId: user.account_id, before, after });
    return user;
  });
  if (!owner) throw badRequest('Invalid, expired, or already used reset token');
  forgetSessions(owner.id);
  return { message: 'Password reset successfully. You can now log in with your new password.' };
}

/**
 * Whose password a reset token would change, if it is usable now (reads only; the token stays
 * usable). For the password-reset events, which name the user before anything changes.
 */
export async function resetTokenOwner(db: SnackDatabase, token: string): Promise<{ accountId: string; userId: string; email: string } | undefined> {
  const used = await peekOneTimeTokenUser(db.kysely, 'password_reset_tokens', token);
  if (!used) return undefined;
  const user = await tenantTable(db.kysely, allAccounts('reset token names its user'), 'users').select().select(['id', 'account_id', 'email']).where('id', '=', used.userId).executeTakeFirst();
  return user ? { accountId: user.account_id, userId: user.id, email: user.email } : undefined;
}

/**
 * The superadmin's "send reset link" (spec §10.2): ends the user's sessions and mails a reset
 * link. A mail that cannot be sent is a 503, and then no usable token is left behind.
 */
export async function sendResetLink(deps: { db: SnackDatabase; mail: IdentityMailer }, forgetSessions: SessionsForgetter, userId: string, requestId: string): Promise<{ message: string }> {
  const user = await tenantTable(deps.db.kysely, allAccounts('superadmin sends a reset link'), 'users').select().select(['id', 'email', 'account_id']).where('id', '=', userId).executeTakeFirst();
  if (!user) throw notFound('User not found');
  const { token } = await deps.db.transaction(async (trx) => {
    await revokeUserSessions(trx, user.account_id, user.id);
    return issueOneTimeToken(trx, 'password_reset_tokens', user.id, user.email);
  });
  forgetSessions(user.id);
  try {
    await mailResetLink(deps.mail, { email: user.email, accountId: user.account_id, token, requestId });
  } catch (e) {
    await discardOneTimeToken(deps.db.kysely, 'password_reset_tokens', token);
    if (e instanceof AppError) throw e;
    throw serviceUnavailable('The password reset email could not be sent');
  }
  return { message: `Password reset link sent to ${user.email}` };
}
