import { translateDbError } from '@snackbase/db';
import { accountScope, allAccounts, type TenantScope } from '@snackbase/tenancy';
import type { Principal } from '../auth';
import type { RequestContext } from '../context';
import { conflict, unauthorized } from '../errors';

/** A signed-in caller. */
export type Caller = Extract<Principal, { kind: 'user' }>;

/** The signed-in user of `ctx`, else a 401 (routes check first; this is the second lock). */
export function callerOf(ctx: RequestContext): Caller {
  if (ctx.principal.kind !== 'user') throw unauthorized();
  return ctx.principal;
}

/**
 * Whose groups the caller may see and change: their own account, or every account for a
 * superadmin (spec §5.8 "SA: all"). Never wider, whatever the request says.
 */
export function groupScopeOf(caller: Caller): TenantScope {
  return caller.isSuperadmin ? allAccounts('superadmin manages the groups of every account') : accountScope(caller.accountId);
}

export const duplicateGroupName = () => conflict('Group with this name already exists in the account', 'unique_violation', { field: 'name' });
export const alreadyMember = () => conflict('User already in group', 'conflict', { field: 'user_id' });

/** Runs a write, turning a unique violation (a concurrent twin won the race) into `onUnique()`. */
export async function uniqueAs<T>(write: Promise<T>, onUnique: () => Error): Promise<T> {
  try {
    return await write;
  } catch (e) {
    if (translateDbError(e)?.kind === 'unique') throw onUnique();
    throw e;
  }
}
