import { HookAbortError } from '@snackbase/hooks';
import { systemContext } from '../context';
import { createAppHooks, RECORD_HOOK_HELPERS, type RecordHookHelpers } from './create-app-hooks';
import type { AppEvents } from './event-catalogue';

const ctx = systemContext('req-1');
const newHooks = () => createAppHooks(jest.fn());
const recordPayload = (collection: string) => ({ ctx, collection, record: { id: 'r1' } });

describe('createAppHooks', () => {
  it.each(Object.entries(RECORD_HOOK_HELPERS) as [keyof RecordHookHelpers, keyof AppEvents][])('%s registers on %s, tagged by collection', (helper, event) => {
    const hooks = newHooks();
    hooks[helper]('posts', jest.fn(), { priority: 7, id: 'mine' });
    expect(hooks.describe(event)).toEqual([{ id: 'mine', priority: 7, tags: ['posts'], locked: false, once: false }]);
  });

  it('runs a collection handler only for its collection; the payload supplies the tag', async () => {
    const hooks = newHooks();
    const seen: string[] = [];
    hooks.onRecordAfterCreate('posts', (p) => void seen.push(`posts:${p.collection}`));
    hooks.onRecordAfterCreate(['posts', 'pages'], (p) => void seen.push(`both:${p.collection}`));
    hooks.onRecordAfterCreate('*', (p) => void seen.push(`any:${p.collection}`));
    hooks.on('record.afterCreate', (p) => void seen.push(`on:${p.collection}`));
    for (const c of ['posts', 'pages', 'users']) await hooks.runAfter('record.afterCreate', recordPayload(c));
    expect(seen).toEqual(['posts:posts', 'both:posts', 'any:posts', 'on:posts', 'both:pages', 'any:pages', 'on:pages', 'any:users', 'on:users']);
  });

  it('lets a before handler change the draft or abort', async () => {
    const hooks = newHooks();
    hooks.onRecordBeforeCreate('posts', (p) => ({ ...p, data: { ...p.data, slug: 'hello' } }), { priority: -10 });
    hooks.onRecordBeforeCreate('posts', (p) => {
      if (p.data['title'] === 'forbidden') throw new HookAbortError(403, 'Not this title');
    });
    const out = await hooks.runBefore('record.beforeCreate', { ctx, collection: 'posts', data: { title: 'Hello' } });
    expect(out.data).toEqual({ title: 'Hello', slug: 'hello' });
    await expect(hooks.runBefore('record.beforeCreate', { ctx, collection: 'posts', data: { title: 'forbidden' } })).rejects.toMatchObject({ status: 403 });
    // Other collections are untouched.
    expect((await hooks.runBefore('record.beforeCreate', { ctx, collection: 'pages', data: {} })).data).toEqual({});
  });

  it('tags collection and realtime subscription events too, and leaves the others untagged', async () => {
    const hooks = newHooks();
    const seen: string[] = [];
    hooks.on('collection.afterDelete', () => void seen.push('collection'), { tags: ['posts'] });
    hooks.on('realtime.subscribe', () => void seen.push('subscribe'), { tags: ['posts'] });
    hooks.on('auth.afterLogin', () => void seen.push('login'));
    await hooks.runAfter('collection.afterDelete', { ctx, collection: 'posts', definition: {} });
    await hooks.runBefore('realtime.subscribe', { ctx, connectionId: 'c1', transport: 'websocket', collection: 'posts', operations: ['create'] });
    await hooks.runAfter('auth.afterLogin', { ctx, user: { id: 'u', email: 'a@b.c', role: 'admin' }, account: { id: 'a', slug: 'acme', name: 'Acme' } });
    expect(seen).toEqual(['collection', 'subscribe', 'login']);
  });

  it('reports after-phase failures to onError', async () => {
    const onError = jest.fn();
    const hooks = createAppHooks(onError);
    hooks.onRecordAfterDelete('posts', () => {
      throw new Error('index down');
    }, { id: 'search' });
    const payload = recordPayload('posts');
    await hooks.runAfter('record.afterDelete', payload);
    // With the payload, whose ctx names the request the failure belongs to.
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ hookId: 'search', event: 'record.afterDelete' }), payload);
  });

  it.each([[''], [[]], [['posts', '']]])('rejects the collection selector %p', (selector) => {
    expect(() => newHooks().onRecordAfterCreate(selector as string, jest.fn())).toThrow('A record hook needs a collection name');
  });

  it('types helper handlers by event', () => {
    const hooks = newHooks();
    hooks.onRecordAfterUpdate('posts', (p) => void Object.keys(p.changes));
    // @ts-expect-error: record.afterCreate has no `changes`
    hooks.onRecordAfterCreate('posts', (p) => void p.changes);
    // @ts-expect-error: tags come from the collection argument
    hooks.onRecordAfterCreate('posts', jest.fn(), { tags: ['x'] });
    expect(hooks.count('record.afterUpdate')).toBe(1);
  });

  it('creates independent registries', () => {
    const a = newHooks();
    const b = newHooks();
    a.on('app.serve', jest.fn());
    expect([a.count('app.serve'), b.count('app.serve')]).toEqual([1, 0]);
  });
});
