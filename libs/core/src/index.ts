export { ANONYMOUS, isSuperadminAccount } from './auth';
export type { Auth, IssuedTokens, LoginInput, LoginResult, Principal } from './auth';
export { createSuperadmin, hasSuperadmin, SYSTEM_ACCOUNT_ID, SYSTEM_ACCOUNT_SLUG } from './accounts';
export type { SuperadminResult } from './accounts';
export { ConfigError, loadConfig, MIN_SECRET_BYTES, redactConfig, resolveSecrets, SETTINGS } from './config';
export type { Config, ConfigSources, Environment, ResolvedSecrets, Secrets, Setting, SettingName } from './config';
export { systemContext } from './context';
export type { RequestContext } from './context';
export { createCore, openDatabase } from './create-core';
export type { Core, CoreDeps } from './create-core';
export {
  AppError,
  badRequest,
  conflict,
  forbidden,
  fromDbError,
  invalidRequest,
  notFound,
  payloadTooLarge,
  serviceUnavailable,
  tooManyRequests,
  unauthorized,
  unsupportedMediaType,
  validationFailed,
} from './errors';
export type { ErrorExtras } from './errors';
export type { Health } from './health';
export { createLogger, currentRequestId, requestIdFrom, withRequestId } from './logging';
export type { Logger, LoggerOptions } from './logging';
