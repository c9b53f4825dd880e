export {
  AccountCodesExhaustedError,
  allocateAccountCode,
  isAccountCode,
  nextAccountCode,
  SYSTEM_ACCOUNT_CODE,
} from './account-code';
export { deriveAdminSlug, deriveSlug, SLUG_MAX, SLUG_MIN, slugProblem, uniqueSlug } from './slug';
export { accountScope, allAccounts, isAccountScope, TenancyError } from './tenant-scope';
export type { TenantScope } from './tenant-scope';
export { dynamicTenantInsert, dynamicTenantTable, tenantTable } from './tenant-table';
export type { OwnedRow, TenantInsert, TenantTable, TenantUpdate } from './tenant-table';
