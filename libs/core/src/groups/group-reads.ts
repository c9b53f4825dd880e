import type { Kysely } from 'kysely';
import type { GroupDetailResponse, GroupResponse, GroupUserResponse } from '@snackbase/contract';
import { fromDbBool, fromDbJson, type GlobalDatabase } from '@snackbase/db';
import { accountScope, tenantTable, type TenantScope } from '@snackbase/tenancy';

type Db = Kysely<GlobalDatabase>;

/** The list-item query of `groups` within `scope`, with the account code and the member count. */
function groupItems(db: Db, scope: TenantScope) {
  return tenantTable(db, scope, 'groups')
    .select()
    .innerJoin('accounts', 'accounts.id', 'groups.account_id')
    .select((eb) => [
      'groups.id',
      'groups.name',
      'groups.description',
      'groups.account_id',
      'accounts.account_code',
      'groups.created_at',
      'groups.updated_at',
      eb.selectFrom('users_groups').select(eb.fn.countAll().as('n')).whereRef('users_groups.group_id', '=', 'groups.id').as('member_count'),
    ]);
}

type GroupRow = Omit<GroupResponse, 'member_count'> & { member_count: unknown };

// PostgreSQL returns count(*) as a bigint string; SQLite as a number.
const toItem = (row: GroupRow): GroupResponse => ({ ...row, member_count: Number(row.member_count ?? 0) });

/** The group `id` if `scope` may see it, else undefined (never a hint that it exists elsewhere). */
export async function findGroup(db: Db, scope: TenantScope, id: string): Promise<GroupResponse | undefined> {
  const row = await groupItems(db, scope).where('groups.id', '=', id).executeTakeFirst();
  return row ? toItem(row) : undefined;
}

/** One page of the groups `scope` may see, oldest first. */
export async function listGroups(db: Db, scope: TenantScope, skip: number, limit: number): Promise<GroupResponse[]> {
  const rows = await groupItems(db, scope).orderBy('groups.created_at').orderBy('groups.id').offset(skip).limit(limit).execute();
  return rows.map(toItem);
}

/**
 * The members of `group`, read through the group's own account: a membership row pointing at a
 * user of another account (which this module never writes) would still not show.
 */
export async function groupUsers(db: Db, group: GroupResponse): Promise<GroupUserResponse[]> {
  const rows = await tenantTable(db, accountScope(group.account_id), 'users')
    .select()
    .innerJoin('users_groups', 'users_groups.user_id', 'users.id')
    .innerJoin('accounts', 'accounts.id', 'users.account_id')
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .where('users_groups.group_id', '=', group.id)
    .select([
      'users.id',
      'users.email',
      'users.account_id',
      'accounts.account_code',
      'accounts.name as account_name',
      'users.role_id',
      'roles.name as role_name',
      'users.is_active',
      'users.auth_provider',
      'users.auth_provider_name',
      'users.external_id',
      'users.external_email',
      'users.profile_data',
      'users.email_verified',
      'users.email_verified_at',
      'users.created_at',
      'users.last_login',
    ])
    .orderBy('users.email')
    .execute();
  return rows.map((u) => ({
    ...u,
    is_active: fromDbBool(u.is_active),
    email_verified: fromDbBool(u.email_verified),
    profile_data: fromDbJson<unknown>(u.profile_data, null),
  }));
}

/** The group with its members. */
export async function groupDetail(db: Db, group: GroupResponse): Promise<GroupDetailResponse> {
  return { ...group, users: await groupUsers(db, group) };
}
