export { createCacheBus } from './create-cache-bus';
export type { CacheBus, CacheTopic } from './create-cache-bus';
export { createAccountRowsCache } from './account-rows-cache';
export type { AccountRowsCache } from './account-rows-cache';
