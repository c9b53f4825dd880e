import { accountScope, allAccounts, type TenantScope } from '@snackbase/tenancy';
import type { Principal } from '../auth';
import type { RequestContext } from '../context';
import { unauthorized } from '../errors';

/** A signed-in caller. */
export type Caller = Extract<Principal, { kind: 'user' }>;

/** The signed-in user of `ctx`, else a 401 (routes check first; this is the second lock). */
export function callerOf(ctx: RequestContext): Caller {
  if (ctx.principal.kind !== 'user') throw unauthorized();
  return ctx.principal;
}

/** Whose invitations the caller may see and manage: their own account, or every account for a superadmin. */
export function invitationScopeOf(caller: Caller): TenantScope {
  return caller.isSuperadmin ? allAccounts('superadmin manages the invitations of every account') : accountScope(caller.accountId);
}

/**
 * Whether the caller may choose the invitee's role. Any member may invite (spec §10.6), but only
 * admins and superadmins may hand out a role other than `user`; for anyone else `role_id` is a
 * protected key and is ignored (DECISIONS), so a member cannot mint admins.
 */
export function mayChooseRole(caller: Caller): boolean {
  return caller.isSuperadmin || caller.role === 'admin';
}
