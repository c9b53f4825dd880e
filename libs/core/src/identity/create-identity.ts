import type { SnackDatabase } from '@snackbase/db';
import type { AuditRecorder } from '../audit';
import type { Auth } from '../auth';
import type { Config } from '../config';
import type { RequestContext } from '../context';
import { validationFailed } from '../errors';
import type { Logger } from '../logging';
import type { IdentityMailer } from './identity-mailer';
import { peekOneTimeToken } from './one-time-tokens';
import { forgotPassword, resetPassword, resetTokenOwner, sendResetLink } from './password-reset';
import { register, type RegisterInput, type RegisterResult } from './register';
import { registerSingleTenant } from './register-single-tenant';
import { resendVerification, verifyEmail } from './verify-email';

/**
 * Self-service identity flows: registration, email verification, password reset. The writes to
 * accounts, users, groups and memberships are audited with `ctx`'s principal (anonymous for the
 * public flows); one-time token rows are not audited.
 */
export interface Identity {
  register(ctx: RequestContext, input: RegisterInput): Promise<RegisterResult>;
  verifyEmail(ctx: RequestContext, token: string): Promise<{ message: string; user: { id: string; email: string; email_verified: true } }>;
  resendVerification(ctx: RequestContext, accountId: string, userId: string): Promise<{ message: string }>;
  /** `account` is a code or slug as on login; an unknown one still gets the same answer. */
  forgotPassword(ctx: RequestContext, input: { email: string; account?: string; ip?: string }): Promise<{ message: string }>;
  resetPassword(ctx: RequestContext, token: string, newPassword: string): Promise<{ message: string }>;
  verifyResetToken(token: string): Promise<{ valid: boolean; expires_at: string | null }>;
  /** Whose password a usable reset token would change (the token stays usable); undefined otherwise. */
  resetTokenOwner(token: string): Promise<{ accountId: string; userId: string; email: string } | undefined>;
  /** Superadmin: end the user's sessions and mail them a reset link. */
  sendResetLink(ctx: RequestContext, userId: string): Promise<{ message: string }>;
}

export function createIdentity(deps: { db: SnackDatabase; mail: IdentityMailer; logger: Logger; auth: Auth; config: Config; audit: AuditRecorder }): Identity {
  const { db } = deps;
  return {
    register: (ctx, input) => (deps.config.singleTenant ? registerSingleTenant(ctx, deps, deps.config.singleTenant.slug, input) : register(ctx, deps, input)),
    verifyEmail: (ctx, token) => verifyEmail(ctx, deps, token),
    resendVerification: (ctx, accountId, userId) => resendVerification(deps, accountId, userId, ctx.requestId),
    async forgotPassword(ctx, input) {
      const account = input.account?.trim() || deps.config.singleTenant?.slug;
      if (!account) throw validationFailed([{ field: 'account', message: 'Account is required in multi-tenant mode', code: 'required' }]);
      const accountId = await deps.auth.resolveAccount(account);
      return forgotPassword(deps, { email: input.email, accountId, ip: input.ip, requestId: ctx.requestId });
    },
    resetPassword: (ctx, token, newPassword) => resetPassword(ctx, deps, (userId) => deps.auth.forgetUser(userId), { token, newPassword }),
    verifyResetToken: (token) => peekOneTimeToken(db.kysely, 'password_reset_tokens', token),
    resetTokenOwner: (token) => resetTokenOwner(db, token),
    sendResetLink: (ctx, userId) => sendResetLink(deps, (id) => deps.auth.forgetUser(id), userId, ctx.requestId),
  };
}
