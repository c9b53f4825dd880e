export { createAccountsAdmin } from './accounts-admin';
export type { AccountDetail, AccountListQuery, AccountsAdmin, Page } from './accounts-admin';
export { insertAccount, slugTaken } from './insert-account';
export { ensureSingleTenantAccount } from './single-tenant';
export type { AccountRow } from './insert-account';
export { createSuperadmin, hasSuperadmin } from './superadmin';
export type { SuperadminResult } from './superadmin';
export { ensureSystemAccount, SYSTEM_ACCOUNT_ID, SYSTEM_ACCOUNT_SLUG } from './system-account';
