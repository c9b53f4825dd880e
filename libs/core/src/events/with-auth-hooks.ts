import type { Auth } from '../auth';
import { awaitBeforeHook } from './app-error-from-hook';
import type { AppHooks } from './create-app-hooks';

const before = awaitBeforeHook;

/**
 * `auth` with the login and logout events fired around it (spec §6.2): `auth.beforeLogin` may
 * rewrite `account`/`email` or abort (a 4xx `AppError`), `auth.afterLogin` runs after the
 * session is committed; likewise `auth.beforeLogout` / `auth.afterLogout`. Decorating keeps the
 * auth module free of any import of this one (no module cycle).
 *
 * @example
 * const auth = withAuthHooks(createAuth({ db, config, secrets, audit }), hooks);
 */
export function withAuthHooks(auth: Auth, hooks: AppHooks): Auth {
  return {
    ...auth,
    async login(ctx, input) {
      const draft = await before(() => hooks.runBefore('auth.beforeLogin', { ctx, account: input.account, email: input.email }));
      const result = await auth.login(ctx, { ...input, account: draft.account, email: draft.email });
      const { user, account } = result;
      await hooks.runAfter('auth.afterLogin', { ctx, user: { id: user.id, email: user.email, role: user.role }, account: { id: account.id, slug: account.slug, name: account.name } });
      return result;
    },
    async logout(ctx, refreshToken) {
      const { principal } = ctx;
      await before(() => hooks.runBefore('auth.beforeLogout', { ctx, principal }));
      await auth.logout(ctx, refreshToken);
      await hooks.runAfter('auth.afterLogout', { ctx, principal });
    },
  };
}
