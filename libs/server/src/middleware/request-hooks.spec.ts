import express from 'express';
import request from 'supertest';
import { createAppHooks, createLogger, type AppHooks } from '@snackbase/core';
import { HookAbortError } from '@snackbase/hooks';
import { errorHandler } from './error-handler';
import { requestHooks } from './request-hooks';

function appWith(hooks: AppHooks, onRoute = jest.fn()) {
  const app = express();
  app.use((_req, res, next) => {
    res.locals['requestId'] = 'cid_test';
    next();
  });
  app.use('/api', requestHooks(hooks));
  app.get('/api/things', (_req, res) => {
    onRoute();
    res.status(201).json({ ok: true });
  });
  app.use(errorHandler(createLogger({ level: 'error', format: 'json', silent: true })));
  return app;
}

describe('requestHooks', () => {
  it('fires request.before (awaited, before the route) and request.after with status and duration', async () => {
    const hooks = createAppHooks(jest.fn());
    const seen: string[] = [];
    const route = jest.fn(() => seen.push('route'));
    hooks.on('request.before', (p) => void seen.push(`before:${p.method}:${p.path}:${p.ctx.requestId}:${p.ctx.principal.kind}`));
    const after = new Promise<string>((resolve) => hooks.on('request.after', (p) => resolve(`after:${p.status}:${p.path}:${p.durationMs >= 0}`)));
    await request(appWith(hooks, route)).get('/api/things?x=1').expect(201);
    expect(await after).toBe('after:201:/api/things:true');
    expect(seen).toEqual(['before:GET:/api/things:cid_test:anonymous', 'route']);
  });

  it('answers an abort with its status; the route does not run', async () => {
    const hooks = createAppHooks(jest.fn());
    const route = jest.fn();
    hooks.on('request.before', () => {
      throw new HookAbortError(403, 'Not today');
    });
    const res = await request(appWith(hooks, route)).get('/api/things').expect(403);
    expect(res.body).toMatchObject({ code: 'forbidden', message: 'Not today' });
    expect(route).not.toHaveBeenCalled();
  });

  it('reports a failing request.after to the registry and still answers', async () => {
    const onError = jest.fn();
    const hooks = createAppHooks(onError);
    hooks.on('request.after', () => {
      throw new Error('boom');
    });
    await request(appWith(hooks)).get('/api/things').expect(201);
    for (let i = 0; i < 50 && onError.mock.calls.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ event: 'request.after' }), expect.objectContaining({ ctx: expect.objectContaining({ requestId: expect.any(String) }) }));
  });

  it('does nothing per request when nobody listens: no listener on the response, next called at once', () => {
    const hooks = createAppHooks(jest.fn());
    const res = { locals: {}, once: jest.fn(), on: jest.fn() };
    const next = jest.fn();
    requestHooks(hooks)({ method: 'GET', originalUrl: '/api/x', get: () => undefined } as never, res as never, next);
    expect(next).toHaveBeenCalledWith();
    expect(res.once).not.toHaveBeenCalled();
    expect(res.on).not.toHaveBeenCalled();
  });
});
