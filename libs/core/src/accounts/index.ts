export { createSuperadmin, hasSuperadmin } from './superadmin';
export type { SuperadminResult } from './superadmin';
export { ensureSystemAccount, SYSTEM_ACCOUNT_ID, SYSTEM_ACCOUNT_SLUG } from './system-account';
