import type { Transaction } from 'kysely';
import type { GlobalDatabase, SnackDatabase } from '@snackbase/db';
import { accountScope, tenantTable, type TenantScope } from '@snackbase/tenancy';
import { notFound, validationFailed } from '../errors';
import { alreadyMember, uniqueAs } from './group-access';
import { findGroup } from './group-reads';

type Trx = Transaction<GlobalDatabase>;

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
 * Adds `userId` to the group. A user outside the group's account gets the same 400 as one that
 * does not exist, so the answer says nothing about other accounts; an existing member is a 409.
 */
export async function addMember(db: SnackDatabase, scope: TenantScope, groupId: string, userId: string): Promise<void> {
  await db.transaction(async (trx) => {
    const { group, userInAccount } = await groupAndUser(trx, scope, groupId, userId);
    if (!userInAccount) {
      throw validationFailed([{ field: 'user_id', message: 'User not found in this account', code: 'invalid_reference' }], 'User not found in this account');
    }
    if (await isMember(trx, group.id, userId)) throw alreadyMember();
    await uniqueAs(trx.insertInto('users_groups').values({ group_id: group.id, user_id: userId }).execute(), alreadyMember);
  });
}

/** Removes `userId` from the group; a non-member (or a stranger) is a silent no-op, as the reference. */
export async function removeMember(db: SnackDatabase, scope: TenantScope, groupId: string, userId: string): Promise<void> {
  await db.transaction(async (trx) => {
    const { group, userInAccount } = await groupAndUser(trx, scope, groupId, userId);
    if (!userInAccount) return;
    await trx.deleteFrom('users_groups').where('group_id', '=', group.id).where('user_id', '=', userId).execute();
  });
}
