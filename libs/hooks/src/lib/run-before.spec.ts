import { createHookRegistry } from './create-hook-registry';
import { HookAbortError, isHookAbortError } from './hook-abort-error';
import { HookHandlerError, isHookHandlerError } from './hook-handler-error';
import type { HookMeta } from './hook-types';

interface Events {
  'post.beforeCreate': { collection: string; data: Record<string, unknown> };
}

const newRegistry = () => createHookRegistry<Events>({ onError: jest.fn() });
const post = (data: Record<string, unknown> = {}) => ({ collection: 'posts', data });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('runBefore: drafts', () => {
  it('passes each handler the previous result; a returned value replaces the draft', async () => {
    const hooks = newRegistry();
    hooks.on('post.beforeCreate', (p) => ({ ...p, data: { ...p.data, slug: String(p.data['title']).toLowerCase() } }));
    hooks.on('post.beforeCreate', (p) => void (p.data['views'] = 0));
    hooks.on('post.beforeCreate', () => undefined);
    const input = post({ title: 'Hello' });
    const out = await hooks.runBefore('post.beforeCreate', input);
    expect(out.data).toEqual({ title: 'Hello', slug: 'hello', views: 0 });
    expect(input.data).toEqual({ title: 'Hello' });
  });

  it('returns the draft itself when nothing is registered', async () => {
    const input = post();
    expect(await newRegistry().runBefore('post.beforeCreate', input)).toBe(input);
  });

  it('awaits async handlers in order', async () => {
    const hooks = newRegistry();
    const log: string[] = [];
    hooks.on('post.beforeCreate', async (p) => {
      await sleep(10);
      log.push('slow');
      return { ...p, data: { n: 1 } };
    });
    hooks.on('post.beforeCreate', async (p) => {
      log.push('fast');
      return { ...p, data: { n: Number(p.data['n']) + 1 } };
    });
    expect((await hooks.runBefore('post.beforeCreate', post())).data).toEqual({ n: 2 });
    expect(log).toEqual(['slow', 'fast']);
  });

  it('tells each handler the event, phase, tag and its id', async () => {
    const hooks = newRegistry();
    const metas: HookMeta[] = [];
    hooks.on('post.beforeCreate', (_p, meta) => void metas.push(meta), { id: 'slugger' });
    await hooks.runBefore('post.beforeCreate', post(), { tag: 'posts' });
    expect(metas).toEqual([{ event: 'post.beforeCreate', phase: 'before', tag: 'posts', hookId: 'slugger' }]);
  });
});

describe('runBefore: abort', () => {
  it('re-throws a HookAbortError with status and details and stops the chain', async () => {
    const hooks = newRegistry();
    const later = jest.fn();
    hooks.on('post.beforeCreate', (p) => {
      if (!p.data['title']) throw new HookAbortError(422, 'A post needs a title', [{ field: 'title', message: 'required' }]);
    });
    hooks.on('post.beforeCreate', later);
    const e = await rejection(hooks.runBefore('post.beforeCreate', post()));
    expect(e).toBeInstanceOf(HookAbortError);
    expect(e).toMatchObject({ name: 'HookAbortError', status: 422, message: 'A post needs a title', details: [{ field: 'title', message: 'required' }] });
    expect(later).not.toHaveBeenCalled();
  });

  it('re-throws an async abort', async () => {
    const hooks = newRegistry();
    hooks.on('post.beforeCreate', async () => {
      await sleep(1);
      throw new HookAbortError(403, 'Posting is closed');
    });
    await expect(hooks.runBefore('post.beforeCreate', post())).rejects.toMatchObject({ status: 403, details: undefined });
  });

  it('recognises an abort thrown by another copy of the library (brand, not instanceof)', async () => {
    const hooks = newRegistry();
    const foreign = Object.assign(new Error('nope'), { status: 409 });
    Object.defineProperty(foreign, Symbol.for('@snackbase/hooks:HookAbortError'), { value: true });
    hooks.on('post.beforeCreate', () => {
      throw foreign;
    });
    const e = await rejection(hooks.runBefore('post.beforeCreate', post()));
    expect(e).toBe(foreign);
    expect(isHookAbortError(e)).toBe(true);
  });

  it.each([399, 500, 200, 404.5, Number.NaN])('refuses status %p', (status) => {
    expect(() => new HookAbortError(status, 'x')).toThrow(RangeError);
  });

  it.each([400, 401, 404, 499])('accepts status %p', (status) => {
    expect(new HookAbortError(status, 'x').status).toBe(status);
  });
});

describe('runBefore: other errors', () => {
  it.each([
    ['an Error', new TypeError('boom'), 'Hook "broken" failed on before event "post.beforeCreate": boom'],
    ['a string', 'plain string', 'Hook "broken" failed on before event "post.beforeCreate": plain string'],
    ['an object', { code: 7 }, 'Hook "broken" failed on before event "post.beforeCreate": non-error value {"code":7}'],
  ])('wraps %s in a HookHandlerError naming the hook and event', async (_label, thrown, message) => {
    const hooks = newRegistry();
    const later = jest.fn();
    hooks.on('post.beforeCreate', () => {
      throw thrown;
    }, { id: 'broken' });
    hooks.on('post.beforeCreate', later);
    const e = await rejection(hooks.runBefore('post.beforeCreate', post()));
    expect(e).toBeInstanceOf(HookHandlerError);
    expect(isHookHandlerError(e)).toBe(true);
    expect(e).toMatchObject({ message, event: 'post.beforeCreate', hookId: 'broken', phase: 'before' });
    expect((e as Error).cause).toBe(thrown);
    expect(later).not.toHaveBeenCalled();
  });

  it('wraps a rejected promise', async () => {
    const hooks = newRegistry();
    const off = hooks.on('post.beforeCreate', () => Promise.reject(new Error('db down')));
    await expect(hooks.runBefore('post.beforeCreate', post())).rejects.toMatchObject({ hookId: off.id, message: expect.stringContaining('db down') });
  });
});

describe('runBefore: changes during a dispatch', () => {
  it('lets a handler unsubscribe itself; the rest of the chain still runs', async () => {
    const hooks = newRegistry();
    const calls: string[] = [];
    const off = hooks.on('post.beforeCreate', () => {
      calls.push('self');
      off();
    });
    hooks.on('post.beforeCreate', () => void calls.push('next'));
    await hooks.runBefore('post.beforeCreate', post());
    await hooks.runBefore('post.beforeCreate', post());
    expect(calls).toEqual(['self', 'next', 'next']);
  });

  it('does not run a later handler removed mid-dispatch, nor one added mid-dispatch', async () => {
    const hooks = newRegistry();
    const calls: string[] = [];
    hooks.on('post.beforeCreate', () => {
      calls.push('first');
      offVictim();
      hooks.on('post.beforeCreate', () => void calls.push('added'));
    });
    const offVictim = hooks.on('post.beforeCreate', () => void calls.push('victim'));
    await hooks.runBefore('post.beforeCreate', post());
    expect(calls).toEqual(['first']);
  });

  it('handles a dispatch started from inside a handler', async () => {
    const hooks = newRegistry();
    let depth = 0;
    hooks.on('post.beforeCreate', async (p) => {
      depth++;
      if (depth < 3) await hooks.runBefore('post.beforeCreate', post());
      return { ...p, data: { depth } };
    });
    expect((await hooks.runBefore('post.beforeCreate', post())).data).toEqual({ depth: 3 });
  });
});
