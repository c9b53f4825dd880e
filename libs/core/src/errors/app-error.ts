import type { ErrorCode, ErrorDetail } from '@snackbase/contract';

/** Fields beyond the standard body that some errors carry (e.g. `field`, `auth_provider`). */
export type ErrorExtras = Readonly<Record<string, unknown>>;

/**
 * The one error type that becomes an HTTP error response: status, stable code, short title,
 * human message and optional details. Anything else thrown is a 500 "Internal server error".
 */
export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    readonly title: string,
    message: string,
    readonly details?: readonly ErrorDetail[],
    readonly extras?: ErrorExtras,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** 400: the request means something the server will not do. */
export const badRequest = (message: string, code: ErrorCode = 'bad_request', details?: readonly ErrorDetail[]) =>
  new AppError(400, code, 'Bad request', message, details);
/** 400 `validation_failed` with one entry per problem. */
export const validationFailed = (details: readonly ErrorDetail[], message = 'Validation failed') =>
  new AppError(400, 'validation_failed', 'Validation error', message, details);
/** 422: the body or query has the wrong shape or types for this endpoint. */
export const invalidRequest = (details: readonly ErrorDetail[], message = 'Request does not match the expected shape') =>
  new AppError(422, 'invalid_request', 'Invalid request', message, details);
export const unauthorized = (message = 'Authentication required', code: ErrorCode = 'unauthorized') =>
  new AppError(401, code, 'Authentication failed', message);
export const forbidden = (message = 'You do not have permission to perform this action') =>
  new AppError(403, 'forbidden', 'Forbidden', message);
export const notFound = (message = 'Not found') => new AppError(404, 'not_found', 'Not found', message);
export const conflict = (message: string, code: ErrorCode = 'conflict', extras?: ErrorExtras) =>
  new AppError(409, code, 'Conflict', message, undefined, extras);
export const payloadTooLarge = (message = 'Request body is too large') => new AppError(413, 'payload_too_large', 'Payload too large', message);
export const unsupportedMediaType = (message = 'Content-Type must be application/json') =>
  new AppError(415, 'unsupported_media_type', 'Unsupported media type', message);
export const tooManyRequests = (retryAfterSeconds: number) =>
  new AppError(429, 'too_many_requests', 'Too Many Requests', `Rate limit exceeded. Try again in ${retryAfterSeconds} seconds.`, undefined, {
    retry_after: retryAfterSeconds,
  });
export const serviceUnavailable = (message = 'Service temporarily unavailable', retryAfterSeconds = 5) =>
  new AppError(503, 'service_unavailable', 'Service unavailable', message, undefined, { retry_after: retryAfterSeconds });
