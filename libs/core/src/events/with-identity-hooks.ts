import { passwordProblems } from '@snackbase/auth';
import type { Identity } from '../identity';
import { awaitBeforeHook } from './app-error-from-hook';
import type { AppHooks } from './create-app-hooks';

const before = awaitBeforeHook;

/**
 * `identity` with the registration and password-reset events fired around it (spec §6.2):
 *
 * - `auth.beforeRegister` gets the body without the password; it may rewrite `email`,
 *   `accountName`, `accountSlug` or abort (a 4xx `AppError`, nothing written).
 *   `auth.afterRegister` runs after the account/user are committed (and the verification mail
 *   was attempted). Only `POST /auth/register` registers: accepting an invitation joins an
 *   existing account and is not a registration (its rows still fire `model.*`).
 * - `auth.beforePasswordReset` fires once a usable reset token was presented with an acceptable
 *   new password (so it names the user), before anything changes; it may abort.
 *   `auth.afterPasswordReset` runs after the new password is committed. An unknown, used or
 *   expired token, or a password that fails the policy, fires neither. The superadmin's "send
 *   reset link" only mails a link; the events fire when that link is used.
 *
 * Decorating keeps the identity module free of any import of this one (no module cycle).
 *
 * @example
 * const identity = withIdentityHooks(createIdentity({ db, mail, logger, auth, config, audit }), hooks);
 */
export function withIdentityHooks(identity: Identity, hooks: AppHooks): Identity {
  return {
    ...identity,
    async register(ctx, input) {
      const draft = await before(() =>
        hooks.runBefore('auth.beforeRegister', {
          ctx,
          email: input.email,
          accountName: input.account_name,
          accountSlug: input.account_slug,
        }),
      );
      const result = await identity.register(ctx, {
        ...input,
        email: draft.email,
        account_name: draft.accountName,
        account_slug: draft.accountSlug,
      });
      const { user, account } = result;
      await hooks.runAfter('auth.afterRegister', {
        ctx,
        user: { id: user.id, email: user.email, role: user.role },
        account: { id: account.id, slug: account.slug, name: account.name },
      });
      return result;
    },
    async resetPassword(ctx, token, newPassword) {
      // A bad password or token is answered by the inner call as before, without any event.
      const owner = passwordProblems(newPassword).length === 0 ? await identity.resetTokenOwner(token) : undefined;
      if (owner) await before(() => hooks.runBefore('auth.beforePasswordReset', { ctx, ...owner }));
      const result = await identity.resetPassword(ctx, token, newPassword);
      // The token may have been used by a concurrent request in between: then the call above threw.
      if (owner) await hooks.runAfter('auth.afterPasswordReset', { ctx, ...owner });
      return result;
    },
  };
}
