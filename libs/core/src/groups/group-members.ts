import type { Transaction } from 'kysely';
import type { GlobalDatabase, SnackDatabase } from '@snackbase/db';
import { accountScope, tenantTable, type TenantScope } from '@snackbase/tenancy';
import type { AuditRecorder } from '../audit';
import type { RequestContext } from '../context';
import { notFound, validationFailed } from '../errors';
import { alreadyMember, uniqueAs } from './group-access';
import { findGroup } from './group-reads';

type Trx = Transaction<GlobalDatabase>;

/** What membership changes need: the database and the audit log. */
export interface MemberDeps {
  readonly db: SnackDatabase;
  readonly audit: AuditRecorder;
}

/** A membership's audit record id: `users_groups` has no id column of its own. */
export const membershipId = (userId: string, groupId: string) => `${userId}:${groupId}`;

/**
 * The group (visible to `scope`) and whether `userId` is a user of the group's own account,
 * both read through the tenant-guarded tables. `users_groups` has no `account_id`, so this
 * check is what keeps a membership inside one account (spec §12.2 item 16).
 */
async function groupAndUser(trx: Trx, scope: TenantScope, groupId: string, userId: string) {
  const group = await findGroup(trx, scope, groupId);
  if (!group) throw notFound('Group not found');
  const user = await tenantTable(trx, accountScope(group.account_id), 'users').select().select('users.id').where('users.id', '=', userId).executeTakeFirst();
  return { group, userInAccount: user !== undefined };
}

const isMember = (trx: Trx, groupId: string, userId: string) =>
  trx.selectFrom('users_groups').select('user_id').where('group_id', '=', groupId).where('user_id', '=', userId).executeTakeFirst();

/**
 * Adds `userId` to the group, audited. A user outside the group's account gets the same 400 as
 * one that does not exist, so the answer says nothing about other accounts; an existing member is a 409.
 */
export async function addMember(ctx: RequestContext, deps: MemberDeps, scope: TenantScope, groupId: string, userId: string): Promise<void> {
  await deps.db.transaction(async (trx) => {
    const { group, userInAccount } = await groupAndUser(trx, scope, groupId, userId);
    if (!userInAccount) {
      throw validationFailed([{ field: 'user_id', message: 'User not found in this account', code: 'invalid_reference' }], 'User not found in this account');
    }
    if (await isMember(trx, group.id, userId)) throw alreadyMember();
    const row = { user_id: userId, group_id: group.id };
    await uniqueAs(trx.insertInto('users_groups').values(row).execute(), alreadyMember);
    await deps.audit.record(trx, ctx, { operation: 'CREATE', table: 'users_groups', recordId: membershipId(userId, group.id), accountId: group.account_id, after: row });
  });
}

/**
 * Removes `userId` from the group, audited; a non-member (or a stranger) is a silent no-op
 * with no audit entry, as the reference.
 */
export async function removeMember(ctx: RequestContext, deps: MemberDeps, scope: TenantScope, groupId: string, userId: string): Promise<void> {
  await deps.db.transaction(async (trx) => {
    const { group, userInAccount } = await groupAndUser(trx, scope, groupId, userId);
    if (!userInAccount) return;
    const removed = await trx.deleteFrom('users_groups').where('group_id', '=', group.id).where('user_id', '=', userId).executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) return;
    const row = { user_id: userId, group_id: group.id };
    await deps.audit.record(trx, ctx, { operation: 'DELETE', table: 'users_groups', recordId: membershipId(userId, group.id), accountId: group.account_id, before: row });
  });
}
