import type { ErrorCode, ErrorDetail } from '@snackbase/contract';
import { isHookAbortError, isHookHandlerError } from '@snackbase/hooks';
import { AppError } from '../errors';

const CODES: Readonly<Record<number, readonly [ErrorCode, string]>> = {
  400: ['bad_request', 'Bad request'],
  401: ['unauthorized', 'Authentication failed'],
  403: ['forbidden', 'Forbidden'],
  404: ['not_found', 'Not found'],
  405: ['method_not_allowed', 'Method not allowed'],
  409: ['conflict', 'Conflict'],
  413: ['payload_too_large', 'Payload too large'],
  415: ['unsupported_media_type', 'Unsupported media type'],
  422: ['invalid_request', 'Invalid request'],
  429: ['too_many_requests', 'Too many requests'],
};

const isErrorDetails = (value: unknown): value is readonly ErrorDetail[] =>
  Array.isArray(value) && value.every((d) => typeof d === 'object' && d !== null && typeof (d as ErrorDetail).message === 'string');

/**
 * The client error for a hook abort (spec §6.4): the abort's status and message, its details
 * as `details` when they are `{ field?, message, code? }[]`, else as `extras.hook_details`.
 * Anything else (a `HookHandlerError` is a bug in a hook) is returned unchanged, so the error
 * handler makes it a 500.
 *
 * @example
 * try { draft = await hooks.runBefore('record.beforeCreate', draft); } catch (e) { throw appErrorFromHook(e); }
 */
export function appErrorFromHook(error: unknown): unknown {
  if (!isHookAbortError(error)) return error;
  const [code, title] = CODES[error.status] ?? CODES[400];
  const { details } = error;
  if (details === undefined || isErrorDetails(details)) {
    return new AppError(error.status, code, title, error.message, details, undefined, { cause: error });
  }
  return new AppError(error.status, code, title, error.message, undefined, { hook_details: details }, { cause: error });
}

/**
 * Awaits the dispatch of a before-event: an abort becomes its 4xx, a 4xx `AppError` thrown by a
 * handler passes on as is, anything else stays a 500 (a broken hook is a bug, not the client's).
 * The one wrapper every module firing before-events uses.
 * @example const draft = await awaitBeforeHook(() => hooks.runBefore('record.beforeCreate', payload));
 */
export async function awaitBeforeHook<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (isHookHandlerError(e) && e.cause instanceof AppError && e.cause.status < 500) throw e.cause;
    throw appErrorFromHook(e);
  }
}
