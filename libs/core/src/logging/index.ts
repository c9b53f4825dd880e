export { createLogger } from './create-logger';
export type { Logger, LoggerOptions } from './create-logger';
export { requestIdFrom } from './request-id';
