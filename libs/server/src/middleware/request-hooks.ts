import type { NextFunction, Request, Response } from 'express';
import { appErrorFromHook, type AppHooks } from '@snackbase/core';
import { contextOf } from './authenticate';

/**
 * Fires `request.before` and `request.after` (spec §6.2) for every API request, after
 * authentication (the payload's `ctx` names the caller). `request.before` is awaited and may
 * abort: the abort's status and message are the answer and no route runs. `request.after` runs
 * once the response is sent (`finish`); its errors are only logged (the registry's `onError`).
 *
 * This is on the hot path: when no handler listens, a request costs two map lookups and
 * nothing is built or awaited. Handlers registered later are seen on the next request.
 */
export function requestHooks(hooks: AppHooks) {
  return (req: Request, res: Response, next: NextFunction) => {
    const before = hooks.has('request.before');
    const after = hooks.has('request.after');
    if (!before && !after) return next();
    const ctx = contextOf(req, res);
    const method = req.method;
    const path = req.originalUrl.split('?')[0];
    if (after) {
      const started = process.hrtime.bigint();
      res.once('finish', () => {
        const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
        // runAfter never rejects: each failure already went to the registry's onError.
        void hooks.runAfter('request.after', {
          ctx,
          method,
          path,
          status: res.statusCode,
          durationMs,
        });
      });
    }
    if (!before) return next();
    hooks.runBefore('request.before', { ctx, method, path }).then(
      () => next(),
      (e: unknown) => next(appErrorFromHook(e)), // an abort becomes its 4xx; a broken hook a 500
    );
  };
}
