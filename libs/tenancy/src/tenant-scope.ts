/**
 * Whose rows a piece of code may touch. There is no "unscoped": reading across accounts takes
 * an explicit {@link allAccounts} value with a reason, so it stands out in review and in logs.
 */
export type TenantScope =
  | { readonly kind: 'account'; readonly accountId: string }
  | { readonly kind: 'all-accounts'; readonly reason: string };

/** Thrown when code tries to leave its scope or to build a scope that means nothing. */
export class TenancyError extends Error {
  override readonly name = 'TenancyError';
}

/** The scope of one account. */
export function accountScope(accountId: string): TenantScope {
  if (typeof accountId !== 'string' || accountId.length === 0) throw new TenancyError('an account scope needs an account id');
  return Object.freeze({ kind: 'account', accountId });
}

/**
 * Every account, for superadmin reads and maintenance. `reason` says why (e.g. "superadmin
 * lists users"); it is required so a cross-account query is always deliberate.
 */
export function allAccounts(reason: string): TenantScope {
  if (typeof reason !== 'string' || reason.trim().length < 3) throw new TenancyError('an all-accounts scope needs a stated reason');
  return Object.freeze({ kind: 'all-accounts', reason });
}

/** True when the scope is limited to one account. */
export function isAccountScope(scope: TenantScope): scope is Extract<TenantScope, { kind: 'account' }> {
  return scope.kind === 'account';
}
