import type { NextFunction, Request, Response } from 'express';
import { requestIdFrom, type Logger } from '@snackbase/core';

/** The request's correlation id (set by {@link requestContext}). */
export function requestIdOf(res: Response): string {
  return String(res.locals['requestId'] ?? '');
}

/**
 * Reads or generates the correlation id, echoes it, keeps it for the handlers (`requestIdOf`,
 * `RequestContext.requestId`), and logs one "request completed" line with status and duration.
 */
export function requestContext(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const id = requestIdFrom(req.get('x-correlation-id'));
    res.locals['requestId'] = id;
    res.setHeader('X-Correlation-ID', id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const level = res.statusCode >= 500 ? 'error' : 'info';
      // Skip building the line at all when the level is off (it is per request, on the hot path).
      if (!logger.isLevelEnabled(level)) return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.log(level, 'request completed', {
        request_id: id,
        method: req.method,
        path: req.originalUrl.split('?')[0],
        status: res.statusCode,
        duration_ms: Math.round(ms * 100) / 100,
        ip: req.ip,
      });
    });
    next();
  };
}
