export { createHealth } from './health';
export type { Health } from './health';
