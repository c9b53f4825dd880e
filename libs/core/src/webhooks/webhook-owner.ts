import type { Kysely } from 'kysely';
import { fromDbBool, type GlobalDatabase } from '@snackbase/db';
import { allAccounts, tenantTable } from '@snackbase/tenancy';
import { isSuperadminAccount } from '../auth';
import type { WebhookOwner } from './webhook-event';

/**
 * The webhook's creator as they are now (role, account, active), or null when they are gone or
 * deactivated: a webhook nobody may read through delivers nothing. A superadmin may own a
 * webhook of another account, hence the all-accounts read by user id.
 */
export async function loadOwner(db: Kysely<GlobalDatabase>, userId: string | null): Promise<WebhookOwner | null> {
  if (!userId) return null;
  const row = await tenantTable(db, allAccounts('webhook owner lookup by user id'), 'users')
    .select()
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .select(['users.id', 'users.account_id', 'users.email', 'users.is_active', 'roles.name as role'])
    .where('users.id', '=', userId)
    .executeTakeFirst();
  if (!row || !fromDbBool(row.is_active)) return null;
  return { userId: row.id, accountId: row.account_id, email: row.email, role: row.role, isSuperadmin: isSuperadminAccount(row.account_id) };
}
