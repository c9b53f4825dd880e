import type { NextFunction, Request, Response } from 'express';
import type { ErrorBody } from '@snackbase/contract';
import { AppError, fromDbError, notFound, payloadTooLarge, type Logger } from '@snackbase/core';
import { requestIdOf } from './request-context';

interface BodyParserError {
  type?: string;
  status?: number;
}

/** Errors thrown by express.json / raw-body, mapped to the one error body. */
function fromBodyParser(error: BodyParserError): AppError | undefined {
  switch (error.type) {
    case 'entity.too.large':
      return payloadTooLarge();
    case 'entity.parse.failed':
      return new AppError(400, 'invalid_json', 'Invalid JSON', 'Request body is not valid JSON');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new AppError(415, 'unsupported_media_type', 'Unsupported media type', 'Unsupported body encoding');
    case 'request.aborted':
      return new AppError(400, 'bad_request', 'Bad request', 'Request was aborted');
    default:
      // A RangeError from JSON.parse on absurd nesting arrives without a type.
      return error instanceof SyntaxError || error instanceof RangeError
        ? new AppError(400, 'invalid_json', 'Invalid JSON', 'Request body is not valid JSON')
        : undefined;
  }
}

/** Writes `error` as the one error body of spec/DECISIONS.md (204-free, JSON, with request id). */
export function sendError(res: Response, requestId: string, error: AppError): void {
  const retry = error.extras?.['retry_after'];
  if (typeof retry === 'number') res.setHeader('Retry-After', String(retry));
  if (error.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
  const body: ErrorBody = {
    ...error.extras,
    error: error.title,
    message: error.message,
    code: error.code,
    ...(error.details?.length ? { details: error.details } : {}),
    request_id: requestId,
  };
  res.status(error.status).json(body);
}

/**
 * The one error handler: AppError as is, body-parser and database errors translated, anything
 * else a 500 that says only "Internal server error" (the cause and stack go to the log).
 */
export function errorHandler(logger: Logger) {
  return (error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const known = error instanceof AppError ? error : (fromBodyParser(error as BodyParserError) ?? fromDbError(error));
    if (known) {
      if (known.status >= 500) logger.error('dependency failure', { request_id: requestIdOf(res), error: (error as Error).message });
      return sendError(res, requestIdOf(res), known);
    }
    logger.error('unhandled error', { request_id: requestIdOf(res), error: error instanceof Error ? { message: error.message, stack: error.stack } : String(error) });
    sendError(res, requestIdOf(res), new AppError(500, 'internal_error', 'Internal server error', 'Internal server error'));
  };
}

/** Unknown API routes: a JSON 404, never the admin console's HTML. */
export function apiNotFound() {
  return (req: Request, _res: Response, next: NextFunction) => next(notFound(`No route for ${req.method} ${req.originalUrl.split('?')[0]}`));
}
