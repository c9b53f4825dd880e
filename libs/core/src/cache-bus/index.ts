export { createCacheBus } from './create-cache-bus';
export type { CacheBus, CacheTopic } from './create-cache-bus';
