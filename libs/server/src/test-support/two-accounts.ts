import { hashPassword } from '@snackbase/auth';
import type { Core } from '@snackbase/core';
import { accountScope, tenantTable } from '@snackbase/tenancy';

/** Account A ("acme", AA0001) and account B ("bolt", BB0001): the pair every tenancy spec crosses. */
export interface TwoAccounts {
  readonly A: { readonly id: string; readonly code: string };
  readonly B: { readonly id: string; readonly code: string };
}

/** Inserts accounts A and B (the ids the spec chose), without users. */
export async function insertTwoAccounts(core: Core, accounts: TwoAccounts): Promise<void> {
  await core.db.kysely
    .insertInto('accounts')
    .values([
      { id: accounts.A.id, account_code: accounts.A.code, slug: 'acme', name: 'Acme' },
      { id: accounts.B.id, account_code: accounts.B.code, slug: 'bolt', name: 'Bolt' },
    ])
    .execute();
}

/** A verified user with `password` in `accountId` (role 2 = user, 1 = admin), through the tenant guard. */
export async function addVerifiedUser(core: Core, accountId: string, user: { id: string; email: string; password: string; roleId?: number }): Promise<void> {
  await tenantTable(core.db.kysely, accountScope(accountId), 'users')
    .insert({ id: user.id, email: user.email, password_hash: await hashPassword(user.password), role_id: user.roleId ?? 2, email_verified: true })
    .execute();
}
