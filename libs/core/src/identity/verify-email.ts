import { fromDbBool, nowIso, type SnackDatabase } from '@snackbase/db';
import { accountScope, allAccounts, tenantTable } from '@snackbase/tenancy';
import type { AuditRecorder } from '../audit';
import type { RequestContext } from '../context';
import { badRequest } from '../errors';
import type { Logger } from '../logging';
import type { IdentityMailer } from './identity-mailer';
import { consumeOneTimeToken, discardOneTimeToken, issueOneTimeToken } from './one-time-tokens';

/**
 * Issues a verification token and mails `{app_url}/verify-email?token=…` (spec §2.8). The token
 * is committed first and the mail sent after (never inside the transaction: SQLite has one
 * connection, and an SMTP conversation must not hold the write lock); when the mail fails the
 * token is deleted again, so no usable token is left behind.
 */
export async function sendVerificationMail(deps: { db: SnackDatabase; mail: IdentityMailer }, user: { userId: string; email: string; accountId: string }, requestId: string): Promise<void> {
  const { token } = await deps.db.transaction((trx) => issueOneTimeToken(trx, 'email_verification_tokens', user.userId, user.email));
  try {
    const url = await deps.mail.buildLink('/verify-email', { token });
    await deps.mail.send({ to: user.email, template: 'email_verification', variables: { verification_url: url, token, email: user.email }, accountId: user.accountId, requestId });
  } catch (e) {
    await discardOneTimeToken(deps.db.kysely, 'email_verification_tokens', token);
    throw e;
  }
}

/**
 * The end of every registration (spec §2.2 step 7): the verification mail, whose failure is
 * logged and does not undo the registration; then the 201 answer.
 */
export async function finishRegistration(
  deps: { db: SnackDatabase; mail: IdentityMailer; logger: Logger },
  account: { id: string; slug: string; name: string; created_at: string },
  user: { id: string; email: string; role: string; created_at: string },
  requestId: string,
): Promise<RegistrationAnswer> {
  try {
    await sendVerificationMail(deps, { userId: user.id, email: user.email, accountId: account.id }, requestId);
  } catch (e) {
    deps.logger.warn('verification mail after registration failed', { request_id: requestId, error: (e as Error).message, account_id: account.id });
  }
  return {
    message: 'Registration successful. Please check your email to verify your account.',
    account: { id: account.id, slug: account.slug, name: account.name, created_at: account.created_at },
    user: { ...user, is_active: true },
  };
}

/** `POST /auth/register` answer: no tokens until the email is verified. */
export interface RegistrationAnswer {
  readonly message: string;
  readonly account: { id: string; slug: string; name: string; created_at: string };
  readonly user: { id: string; email: string; role: string; is_active: boolean; created_at: string };
}

/**
 * `POST /auth/verify-email`: marks the user verified (audited, actor: `ctx`'s principal); an
 * unknown, used or expired token is a 400.
 */
export async function verifyEmail(
  ctx: RequestContext,
  deps: { db: SnackDatabase; audit: AuditRecorder },
  token: string,
): Promise<{ message: string; user: { id: string; email: string; email_verified: true } }> {
  const user = await deps.db.transaction(async (trx) => {
    const used = await consumeOneTimeToken(trx, 'email_verification_tokens', token);
    if (!used) return undefined;
    // The token row names the user, not the account: find the account once, then act in its scope.
    const owner = await tenantTable(trx, allAccounts('verification token names its user'), 'users')
      .select()
      .select(['id', 'email', 'account_id', 'email_verified', 'email_verified_at', 'updated_at'])
      .where('id', '=', used.userId)
      .executeTakeFirst();
    if (!owner) return undefined;
    const now = nowIso();
    const after = { email_verified: true, email_verified_at: now, updated_at: now };
    await tenantTable(trx, accountScope(owner.account_id), 'users').update(after).where('id', '=', owner.id).execute();
    const before = { email_verified: fromDbBool(owner.email_verified), email_verified_at: owner.email_verified_at, updated_at: owner.updated_at };
    await deps.audit.record(trx, ctx, { operation: 'UPDATE', table: 'users', recordId: owner.id, accountId: owner.account_id, before, after });
    return owner;
  });
  if (!user) throw badRequest('Invalid or expired verification token', 'bad_request');
  return { message: 'Email verified successfully', user: { id: user.id, email: user.email, email_verified: true } };
}

/** Resends the verification mail to a signed-in user that is not verified yet. */
export async function resendVerification(deps: { db: SnackDatabase; mail: IdentityMailer }, accountId: string, userId: string, requestId: string): Promise<{ message: string }> {
  const user = await tenantTable(deps.db.kysely, accountScope(accountId), 'users').select().select(['id', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirst();
  if (!user) throw badRequest('User not found');
  if (fromDbBool(user.email_verified)) throw badRequest('Email is already verified');
  await sendVerificationMail(deps, { userId: user.id, email: user.email, accountId }, requestId);
  return { message: `Verification email sent to ${user.email}` };
}
