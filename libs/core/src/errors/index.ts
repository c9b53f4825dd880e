export {
  AppError,
  badRequest,
  conflict,
  forbidden,
  invalidRequest,
  notFound,
  payloadTooLarge,
  serviceUnavailable,
  tooManyRequests,
  unauthorized,
  unsupportedMediaType,
  validationFailed,
} from './app-error';
export type { ErrorExtras } from './app-error';
export { fromDbError } from './from-db-error';
