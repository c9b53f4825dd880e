export {
  loginRequestSchema,
  loginResponseSchema,
  logoutRequestSchema,
  meResponseSchema,
  refreshRequestSchema,
  tokenPairResponseSchema,
} from './auth';
export type { MeResponse } from './auth';
export { ERROR_CODES } from './error-code';
export type { ErrorCode } from './error-code';
export { errorBodySchema } from './error-body';
export type { ErrorBody, ErrorDetail } from './error-body';
export {
  apiInfoResponseSchema,
  healthResponseSchema,
  liveResponseSchema,
  readyResponseSchema,
} from './health';
export type { ApiInfoResponse, HealthResponse, LiveResponse, ReadyResponse } from './health';
