import express, { type NextFunction, type Request, type Response } from 'express';
import request from 'supertest';
import { chain } from './chain';

const mark = (name: string) => (_req: Request, res: Response, next: NextFunction) => {
  res.locals['seen'] = [...((res.locals['seen'] as string[] | undefined) ?? []), name];
  next();
};

/** An app with `mw` under /api, a route after it, a fallback and an error handler that tell what happened. */
function appWith(mw: express.RequestHandler) {
  const app = express();
  const api = express.Router();
  api.use('/api', mw);
  api.get('/api/thing', (_req, res) => void res.json({ route: true, seen: res.locals['seen'] ?? [] }));
  app.use(api);
  app.use((_req: Request, res: Response) => void res.status(404).json({ fallback: true, seen: res.locals['seen'] ?? [] }));
  // Four parameters make it an error handler for Express; the last one hands on what it cannot answer.
  const errorHandler: express.ErrorRequestHandler = (err: Error, _req, res, next) => (res.headersSent ? next(err) : void res.status(500).json({ error: err.message, seen: res.locals['seen'] ?? [] }));
  app.use(errorHandler);
  return app;
}

describe('chain', () => {
  it('runs the middlewares in order, then the rest of the stack', async () => {
    const res = await request(appWith(chain(mark('a'), mark('b'), mark('c')))).get('/api/thing').expect(200);
    expect(res.body).toEqual({ route: true, seen: ['a', 'b', 'c'] });
  });

  it('waits for an async middleware and stops at one that answers', async () => {
    const slow = async (_req: Request, res: Response, next: NextFunction) => {
      await new Promise((r) => setTimeout(r, 5));
      res.locals['seen'] = ['slow'];
      next();
    };
    const answers = (_req: Request, res: Response) => void res.status(429).json({ limited: true });
    expect((await request(appWith(chain(slow, mark('b')))).get('/api/thing').expect(200)).body.seen).toEqual(['slow', 'b']);
    expect((await request(appWith(chain(mark('a'), answers, mark('never')))).get('/api/thing').expect(429)).body).toEqual({ limited: true });
  });

  it('passes errors, thrown errors and rejected promises straight to the error handler', async () => {
    const fails = (_req: Request, _res: Response, next: NextFunction) => next(new Error('refused'));
    const throws = () => {
      throw new Error('thrown');
    };
    const rejects = async () => {
      throw new Error('rejected');
    };
    for (const [mw, message] of [[fails, 'refused'], [throws, 'thrown'], [rejects, 'rejected']] as const) {
      const res = await request(appWith(chain(mark('a'), mw, mark('never')))).get('/api/thing').expect(500);
      expect(res.body).toEqual({ error: message, seen: ['a'] });
    }
  });

  it("passes Express's 'router' signal on: the rest of the router is skipped", async () => {
    const leave = (_req: Request, _res: Response, next: NextFunction) => next('router');
    const res = await request(appWith(chain(mark('a'), leave, mark('never')))).get('/api/thing').expect(404);
    expect(res.body).toEqual({ fallback: true, seen: ['a'] });
  });

  it('with no middlewares is a plain pass-through', async () => {
    expect((await request(appWith(chain())).get('/api/thing').expect(200)).body).toEqual({ route: true, seen: [] });
  });
});
