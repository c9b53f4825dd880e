import { createHookRegistry } from './create-hook-registry';
import { HookAbortError } from './hook-abort-error';
import { HookHandlerError } from './hook-handler-error';

interface Events {
  'post.afterCreate': { id: string };
}

describe('runAfter', () => {
  it('runs every handler even when some fail, reports each failure once and resolves with them', async () => {
    const onError = jest.fn();
    const hooks = createHookRegistry<Events>({ onError });
    const ran: string[] = [];
    hooks.on('post.afterCreate', () => {
      ran.push('a');
      throw new Error('webhook queue full');
    }, { id: 'webhooks' });
    hooks.on('post.afterCreate', async () => {
      ran.push('b');
      throw new HookAbortError(400, 'too late to abort');
    }, { id: 'late-abort' });
    hooks.on('post.afterCreate', (p) => void ran.push(`c:${p.id}`));
    const errors = await hooks.runAfter('post.afterCreate', { id: '42' });
    expect(ran).toEqual(['a', 'b', 'c:42']);
    expect(errors).toHaveLength(2);
    expect(errors.every((e) => e instanceof HookHandlerError && e.phase === 'after')).toBe(true);
    expect(errors.map((e) => e.hookId)).toEqual(['webhooks', 'late-abort']);
    expect(errors[0].message).toBe('Hook "webhooks" failed on after event "post.afterCreate": webhook queue full');
    expect(onError.mock.calls.map(([e]) => e)).toEqual(errors);
    // With the payload the handler saw, e.g. to log the request it belongs to.
    expect(onError.mock.calls.map(([, p]) => p)).toEqual([{ id: '42' }, { id: '42' }]);
  });

  it('resolves with no errors when all succeed or nothing is registered', async () => {
    const onError = jest.fn();
    const hooks = createHookRegistry<Events>({ onError });
    expect(await hooks.runAfter('post.afterCreate', { id: '1' })).toEqual([]);
    hooks.on('post.afterCreate', async () => undefined);
    expect(await hooks.runAfter('post.afterCreate', { id: '1' })).toEqual([]);
    expect(onError).not.toHaveBeenCalled();
  });

  it('never rejects, even when the error reporter throws', async () => {
    const hooks = createHookRegistry<Events>({
      onError: () => {
        throw new Error('logger broken');
      },
    });
    hooks.on('post.afterCreate', () => {
      throw new Error('x');
    });
    await expect(hooks.runAfter('post.afterCreate', { id: '1' })).resolves.toHaveLength(1);
  });

  it('ignores return values', async () => {
    const hooks = createHookRegistry<Events>({ onError: jest.fn() });
    const seen: string[] = [];
    hooks.on('post.afterCreate', () => ({ id: 'changed' }));
    hooks.on('post.afterCreate', (p) => void seen.push(p.id));
    await hooks.runAfter('post.afterCreate', { id: 'original' });
    expect(seen).toEqual(['original']);
  });

  it('passes the after phase in meta', async () => {
    const hooks = createHookRegistry<Events>({ onError: jest.fn() });
    const phases: string[] = [];
    hooks.on('post.afterCreate', (_p, meta) => void phases.push(meta.phase));
    await hooks.runAfter('post.afterCreate', { id: '1' });
    expect(phases).toEqual(['after']);
  });
});
