import { createHookRegistry } from './create-hook-registry';
import { isLockedHookError, LockedHookError } from './locked-hook-error';

interface Events {
  'item.beforeSave': { name: string; trail: string[] };
  'item.afterSave': { id: string };
  'app.start': undefined;
}

const newRegistry = () => createHookRegistry<Events>({ onError: jest.fn() });
const draft = () => ({ name: 'x', trail: [] as string[] });
const mark = (label: string) => (p: Events['item.beforeSave']) => void p.trail.push(label);
const runOrder = async (hooks: ReturnType<typeof newRegistry>, tag?: string) => (await hooks.runBefore('item.beforeSave', draft(), { tag })).trail;

describe('createHookRegistry: ordering', () => {
  it('runs handlers in ascending priority, ties in registration order', async () => {
    const hooks = newRegistry();
    hooks.on('item.beforeSave', mark('p10'), { priority: 10 });
    hooks.on('item.beforeSave', mark('p0-a'));
    hooks.on('item.beforeSave', mark('p-5'), { priority: -5 });
    hooks.on('item.beforeSave', mark('p0-b'), { priority: 0 });
    hooks.on('item.beforeSave', mark('p10-b'), { priority: 10 });
    hooks.on('item.beforeSave', mark('p0.5'), { priority: 0.5 });
    expect(await runOrder(hooks)).toEqual(['p-5', 'p0-a', 'p0-b', 'p0.5', 'p10', 'p10-b']);
  });

  it('describes handlers in run order', () => {
    const hooks = newRegistry();
    hooks.on('item.beforeSave', mark('b'), { id: 'b', priority: 1, tags: ['posts'] });
    hooks.on('item.beforeSave', mark('a'), { id: 'a', locked: true });
    hooks.once('item.beforeSave', mark('c'), { id: 'c', priority: 2 });
    expect(hooks.describe('item.beforeSave')).toEqual([
      { id: 'a', priority: 0, tags: undefined, locked: true, once: false },
      { id: 'b', priority: 1, tags: ['posts'], locked: false, once: false },
      { id: 'c', priority: 2, tags: undefined, locked: false, once: true },
    ]);
    expect(hooks.describe('item.afterSave')).toEqual([]);
  });

  it.each([
    [{ priority: Number.NaN }, 'Hook priority must be a finite number, got NaN'],
    [{ priority: Number.POSITIVE_INFINITY }, 'Hook priority must be a finite number'],
    [{ tags: [] }, 'Hook tags must not be empty'],
    [{ id: '' }, 'Hook id must not be empty'],
  ])('rejects bad options %p', (opts, message) => {
    expect(() => newRegistry().on('item.beforeSave', mark('x'), opts)).toThrow(message);
  });

  it('rejects a handler that is not a function', () => {
    expect(() => newRegistry().on('item.beforeSave', 'nope' as never)).toThrow(TypeError);
  });

  it('checks payload types against the event map', () => {
    const hooks = newRegistry();
    hooks.on('item.afterSave', (p) => void p.id.toUpperCase());
    // @ts-expect-error: item.afterSave has no `name`
    hooks.on('item.afterSave', (p) => void p.name);
    // @ts-expect-error: unknown event
    hooks.on('item.unknown', () => undefined);
    // @ts-expect-error: a before handler must return the payload type or nothing
    hooks.on('item.beforeSave', () => ({ name: 1 }));
    // @ts-expect-error: the draft must match the event
    void hooks.runBefore('item.beforeSave', { id: 'x' }).catch(() => undefined);
    expect(hooks.count('item.afterSave')).toBe(2);
  });
});

describe('createHookRegistry: tags', () => {
  it('runs untagged handlers always and tagged ones only for a matching dispatch tag', async () => {
    const hooks = newRegistry();
    hooks.on('item.beforeSave', mark('all'));
    hooks.on('item.beforeSave', mark('posts'), { tags: ['posts'] });
    hooks.on('item.beforeSave', mark('posts+pages'), { tags: ['posts', 'pages'] });
    expect(await runOrder(hooks, 'posts')).toEqual(['all', 'posts', 'posts+pages']);
    expect(await runOrder(hooks, 'pages')).toEqual(['all', 'posts+pages']);
    expect(await runOrder(hooks, 'users')).toEqual(['all']);
    // Unlike the reference, an untagged dispatch does not run collection-specific handlers.
    expect(await runOrder(hooks)).toEqual(['all']);
  });

  it('counts per tag', () => {
    const hooks = newRegistry();
    hooks.on('item.beforeSave', mark('all'));
    hooks.on('item.beforeSave', mark('posts'), { tags: ['posts'] });
    expect(hooks.count('item.beforeSave')).toBe(2);
    expect(hooks.count('item.beforeSave', 'posts')).toBe(2);
    expect(hooks.count('item.beforeSave', 'pages')).toBe(1);
    expect(hooks.has('item.afterSave')).toBe(false);
    expect(hooks.has('item.beforeSave', 'pages')).toBe(true);
  });

  it('learns the tag from tagOf when the dispatch names none', async () => {
    const hooks = createHookRegistry<Events>({ onError: jest.fn(), tagOf: (event, p) => (event === 'item.beforeSave' ? (p as Events['item.beforeSave']).name : undefined) });
    hooks.on('item.beforeSave', mark('posts'), { tags: ['posts'] });
    expect((await hooks.runBefore('item.beforeSave', { name: 'posts', trail: [] })).trail).toEqual(['posts']);
    expect((await hooks.runBefore('item.beforeSave', { name: 'pages', trail: [] })).trail).toEqual([]);
    expect((await hooks.runBefore('item.beforeSave', { name: 'pages', trail: [] }, { tag: 'posts' })).trail).toEqual(['posts']);
  });
});

describe('createHookRegistry: removal and replacement', () => {
  it('unsubscribes, idempotently', async () => {
    const hooks = newRegistry();
    const off = hooks.on('item.beforeSave', mark('a'));
    hooks.on('item.beforeSave', mark('b'));
    off();
    off();
    expect(await runOrder(hooks)).toEqual(['b']);
    expect(off.id).toMatch(/^hook_\d+$/);
  });

  it('removes by id with off', async () => {
    const hooks = newRegistry();
    hooks.on('item.beforeSave', mark('a'), { id: 'audit' });
    expect(hooks.off('item.beforeSave', 'audit')).toBe(true);
    expect(hooks.off('item.beforeSave', 'audit')).toBe(false);
    expect(hooks.off('item.afterSave', 'audit')).toBe(false);
    expect(await runOrder(hooks)).toEqual([]);
  });

  it('replaces a handler with the same id, keeping its place among equal priorities', async () => {
    const hooks = newRegistry();
    const offOld = hooks.on('item.beforeSave', mark('old'), { id: 'x' });
    hooks.on('item.beforeSave', mark('later'));
    const offNew = hooks.on('item.beforeSave', mark('new'), { id: 'x' });
    expect(await runOrder(hooks)).toEqual(['new', 'later']);
    offOld(); // the replaced handler's unsubscribe no longer removes anything
    expect(hooks.count('item.beforeSave')).toBe(2);
    offNew();
    expect(await runOrder(hooks)).toEqual(['later']);
  });

  it('moves a replaced handler when its priority changes', async () => {
    const hooks = newRegistry();
    hooks.on('item.beforeSave', mark('x1'), { id: 'x' });
    hooks.on('item.beforeSave', mark('y'), { priority: 5 });
    hooks.on('item.beforeSave', mark('x2'), { id: 'x', priority: 10 });
    expect(await runOrder(hooks)).toEqual(['y', 'x2']);
  });

  it('scopes ids to their event', () => {
    const hooks = newRegistry();
    hooks.on('item.beforeSave', mark('a'), { id: 'same' });
    hooks.on('item.afterSave', () => undefined, { id: 'same' });
    expect([hooks.count('item.beforeSave'), hooks.count('item.afterSave')]).toEqual([1, 1]);
  });

  it('clears one event or all, sparing locked handlers', async () => {
    const hooks = newRegistry();
    hooks.on('item.beforeSave', mark('builtin'), { locked: true });
    hooks.on('item.beforeSave', mark('user'));
    hooks.on('item.afterSave', () => undefined);
    hooks.on('app.start', () => undefined);
    expect(hooks.clear('item.beforeSave')).toBe(1);
    expect(await runOrder(hooks)).toEqual(['builtin']);
    expect(hooks.clear()).toBe(2);
    expect([hooks.count('item.beforeSave'), hooks.count('item.afterSave'), hooks.count('app.start')]).toEqual([1, 0, 0]);
  });
});

describe('createHookRegistry: locked handlers', () => {
  it('cannot be unsubscribed, removed or replaced', async () => {
    const hooks = newRegistry();
    const off = hooks.on('item.beforeSave', mark('builtin'), { id: 'timestamps', locked: true });
    expect(off).toThrow(LockedHookError);
    expect(() => hooks.off('item.beforeSave', 'timestamps')).toThrow('Hook "timestamps" on "item.beforeSave" is locked (built-in) and cannot be removed or replaced');
    let caught: unknown;
    try {
      hooks.on('item.beforeSave', mark('impostor'), { id: 'timestamps' });
    } catch (e) {
      caught = e;
    }
    expect(isLockedHookError(caught)).toBe(true);
    expect(caught).toMatchObject({ event: 'item.beforeSave', hookId: 'timestamps', name: 'LockedHookError' });
    expect(await runOrder(hooks)).toEqual(['builtin']);
  });
});

describe('createHookRegistry: once', () => {
  it('runs a one-shot handler a single time, even under concurrent dispatches', async () => {
    const hooks = newRegistry();
    const seen: string[] = [];
    hooks.once('item.afterSave', async (p) => {
      await new Promise((r) => setTimeout(r, 5));
      seen.push(p.id);
    });
    await Promise.all([hooks.runAfter('item.afterSave', { id: '1' }), hooks.runAfter('item.afterSave', { id: '2' })]);
    await hooks.runAfter('item.afterSave', { id: '3' });
    expect(seen).toEqual(['1']);
    expect(hooks.has('item.afterSave')).toBe(false);
  });

  it('skips a one-shot handler whose tag does not match, and keeps it for later', async () => {
    const hooks = newRegistry();
    hooks.once('item.beforeSave', mark('once'), { tags: ['posts'] });
    expect(await runOrder(hooks, 'pages')).toEqual([]);
    expect(await runOrder(hooks, 'posts')).toEqual(['once']);
    expect(await runOrder(hooks, 'posts')).toEqual([]);
  });

  it('can be cancelled before it runs', async () => {
    const hooks = newRegistry();
    const off = hooks.once('item.beforeSave', mark('once'));
    off();
    expect(await runOrder(hooks)).toEqual([]);
  });
});
