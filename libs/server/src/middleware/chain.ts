import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Several middlewares as one: each runs when the one before calls `next()`, and an error (or
 * Express's 'route'/'router' signals) goes straight on to the outer `next`, as Express would pass
 * it. Mounted as one router layer instead of one each: every layer Express passes costs its path
 * match, a prefix trim and restore of `req.url` and a continuation, on every API request. A
 * middleware's rejected promise is passed on as its error, as Express 5 does.
 * @example api.use('/api/v1', chain(authenticate(core), apiRateLimit(core), requestHooks(core.hooks)));
 */
export function chain(...handlers: readonly RequestHandler[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    let i = 0;
    const step = (err?: unknown): void => {
      if (err !== undefined && err !== null) return next(err);
      const handler = handlers[i++];
      if (!handler) return next();
      try {
        const result = handler(req, res, step) as unknown;
        if (result instanceof Promise) result.then(undefined, (e: unknown) => next(e ?? new Error('Rejected middleware')));
      } catch (e) {
        next(e);
      }
    };
    step();
  };
}
