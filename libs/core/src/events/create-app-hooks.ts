import { createHookRegistry, type HookHandler, type HookHandlerError, type HookOptions, type HookRegistry, type Unsubscribe } from '@snackbase/hooks';
import type { AppEvents } from './event-catalogue';

/** A collection name, several, or `'*'` for every collection. */
export type CollectionSelector = string | readonly string[];

/** Options of the record helpers: the collection argument takes the place of `tags`. */
export type RecordHookOptions = Omit<HookOptions, 'tags'>;

type RecordHelper<E extends keyof AppEvents> = (collection: CollectionSelector, handler: HookHandler<AppEvents[E], E>, options?: RecordHookOptions) => Unsubscribe;

/**
 * Shorthands for record events, tagged by collection: `onRecordAfterCreate('posts', h)` is
 * `on('record.afterCreate', h, { tags: ['posts'] })`; `'*'` means every collection.
 */
export interface RecordHookHelpers {
  onRecordBeforeCreate: RecordHelper<'record.beforeCreate'>;
  onRecordAfterCreate: RecordHelper<'record.afterCreate'>;
  onRecordBeforeUpdate: RecordHelper<'record.beforeUpdate'>;
  onRecordAfterUpdate: RecordHelper<'record.afterUpdate'>;
  onRecordBeforeDelete: RecordHelper<'record.beforeDelete'>;
  onRecordAfterDelete: RecordHelper<'record.afterDelete'>;
  onRecordBeforeQuery: RecordHelper<'record.beforeQuery'>;
  onRecordAfterQuery: RecordHelper<'record.afterQuery'>;
}

/** SnackBase's hook registry: the generic registry over {@link AppEvents} plus record helpers. */
export type AppHooks = HookRegistry<AppEvents> & RecordHookHelpers;

/** Which event each helper registers for. */
export const RECORD_HOOK_HELPERS = Object.freeze({
  onRecordBeforeCreate: 'record.beforeCreate',
  onRecordAfterCreate: 'record.afterCreate',
  onRecordBeforeUpdate: 'record.beforeUpdate',
  onRecordAfterUpdate: 'record.afterUpdate',
  onRecordBeforeDelete: 'record.beforeDelete',
  onRecordAfterDelete: 'record.afterDelete',
  onRecordBeforeQuery: 'record.beforeQuery',
  onRecordAfterQuery: 'record.afterQuery',
} as const satisfies { readonly [H in keyof RecordHookHelpers]: keyof AppEvents });

/** The tags for a selector; `undefined` (no restriction) for `'*'`. */
function tagsFor(collection: CollectionSelector): readonly string[] | undefined {
  const names = typeof collection === 'string' ? [collection] : [...collection];
  if (names.length === 0 || names.some((n) => typeof n !== 'string' || n.length === 0)) {
    throw new TypeError('A record hook needs a collection name, a list of them, or "*"');
  }
  return names.includes('*') ? undefined : names;
}

/**
 * A payload's tag is its `collection` (record, collection and realtime subscription events),
 * so a dispatch cannot forget it and collection-specific handlers never run for another one.
 */
function collectionOf(_event: keyof AppEvents, payload: unknown): string | undefined {
  const collection = (payload as { collection?: unknown } | null | undefined)?.collection;
  return typeof collection === 'string' ? collection : undefined;
}

/**
 * Creates the hook registry of one SnackBase instance (one per `createCore`, never a module
 * singleton). `onError` receives every after-phase handler failure; log it.
 *
 * @example
 * const hooks = createAppHooks((e) => logger.error('hook failed', { hook: e.hookId, event: e.event, cause: e.cause }));
 * hooks.onRecordBeforeCreate('posts', (p) => void (p.data['slug'] ??= slugify(String(p.data['title']))), { priority: 10 });
 * hooks.onRecordAfterCreate(['posts', 'pages'], async (p) => search.index(p.collection, p.record));
 * hooks.on('auth.afterLogin', (p) => metrics.count('login', { account: p.account.id }));
 */
export function createAppHooks(onError: (error: HookHandlerError, payload: unknown) => void): AppHooks {
  const registry = createHookRegistry<AppEvents>({ onError, tagOf: collectionOf });
  const helpers = {} as Record<keyof RecordHookHelpers, unknown>;
  for (const [name, event] of Object.entries(RECORD_HOOK_HELPERS) as [keyof RecordHookHelpers, keyof AppEvents][]) {
    // Each helper's signature (RecordHookHelpers) ties the handler to its event; the loop cannot.
    helpers[name] = (collection: CollectionSelector, handler: HookHandler<AppEvents[keyof AppEvents]>, options: RecordHookOptions = {}) =>
      registry.on(event, handler, { ...options, tags: tagsFor(collection) });
  }
  return { ...registry, ...(helpers as RecordHookHelpers) };
}
