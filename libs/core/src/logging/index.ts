export { createLogger } from './create-logger';
export type { Logger, LoggerOptions } from './create-logger';
export { currentRequestId, requestIdFrom, withRequestId } from './request-id';
