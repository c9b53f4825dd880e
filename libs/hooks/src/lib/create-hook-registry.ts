import { createHandlerList, describeEntry, matchesTag, type HandlerEntry, type HandlerList } from './handler-list';
import { isHookAbortError } from './hook-abort-error';
import { HookHandlerError } from './hook-handler-error';
import type { DispatchOptions, EventName, HookDescriptor, HookHandler, HookMeta, HookOptions, HookPhase, OnceOptions, Unsubscribe } from './hook-types';
import { LockedHookError } from './locked-hook-error';

/** Options of {@link createHookRegistry}. */
export interface HookRegistryOptions<Events extends object> {
  /**
   * Receives every error of the after phase (and nothing else), with the payload the handler
   * was given (e.g. to log the request it belongs to): the place to log them. Required, so no
   * service swallows hook errors by accident. If it throws, that error is ignored.
   */
  readonly onError: (error: HookHandlerError, payload: unknown) => void;
  /**
   * Derives a dispatch's tag from its payload when the caller passes none, e.g.
   * `(event, p) => p.collection`, so callers cannot forget it.
   */
  readonly tagOf?: (event: EventName<Events>, payload: Events[EventName<Events>]) => string | undefined;
}

/** A typed, priority-ordered hook registry. See {@link createHookRegistry}. */
export interface HookRegistry<Events extends object> {
  /** Registers `handler` for `event`; returns a function that removes it. */
  on<E extends EventName<Events>>(event: E, handler: HookHandler<Events[E], E>, options?: HookOptions): Unsubscribe;
  /** Like `on`, but the handler is removed just before its first call. */
  once<E extends EventName<Events>>(event: E, handler: HookHandler<Events[E], E>, options?: OnceOptions): Unsubscribe;
  /** Removes the handler with this id; false when there is none. Throws {@link LockedHookError} for a locked one. */
  off(event: EventName<Events>, id: string): boolean;
  /** Whether {@link count} is above zero. */
  has(event: EventName<Events>, tag?: string): boolean;
  /** Handlers registered for `event`; with `tag`, only those a dispatch with that tag would run. */
  count(event: EventName<Events>, tag?: string): number;
  /** The handlers of `event` in run order. */
  describe(event: EventName<Events>): readonly HookDescriptor[];
  /** Removes the unlocked handlers of `event` (of every event without it); returns how many. */
  clear(event?: EventName<Events>): number;
  /**
   * Runs the matching handlers one after another and resolves to the final draft. Rejects with
   * the {@link HookAbortError} a handler threw, or a {@link HookHandlerError} wrapping any other
   * error; the remaining handlers do not run.
   */
  runBefore<E extends EventName<Events>>(event: E, draft: Events[E], options?: DispatchOptions): Promise<Events[E]>;
  /**
   * Runs every matching handler in order, each isolated from the others' failures. Never
   * rejects: each failure is passed to `onError` and returned.
   */
  runAfter<E extends EventName<Events>>(event: E, payload: Events[E], options?: DispatchOptions): Promise<readonly HookHandlerError[]>;
}

/**
 * Creates an empty registry for the event map `Events`. Handlers run in ascending `priority`
 * (ties in registration order); handlers added during a dispatch wait for the next one,
 * handlers removed during a dispatch do not run again, not even later in that dispatch.
 *
 * @example
 * interface Events { 'order.beforePlace': { total: number }; 'order.afterPlace': { id: string } }
 * const hooks = createHookRegistry<Events>({ onError: (e) => logger.error(e.message, { cause: e.cause }) });
 * hooks.on('order.beforePlace', (o) => ({ ...o, total: Math.round(o.total) }), { priority: -10 });
 * const order = await hooks.runBefore('order.beforePlace', { total: 9.99 });
 */
export function createHookRegistry<Events extends object>(options: HookRegistryOptions<Events>): HookRegistry<Events> {
  const lists = new Map<string, HandlerList>();
  let seq = 0;

  const listOf = (event: string): HandlerList => {
    let list = lists.get(event);
    if (!list) lists.set(event, (list = createHandlerList()));
    return list;
  };

  function register(event: string, handler: HookHandler<unknown>, opts: HookOptions, once: boolean): Unsubscribe {
    const { priority = 0, tags, id, locked = false } = opts;
    if (typeof handler !== 'function') throw new TypeError(`Hook handler for "${event}" must be a function`);
    if (!Number.isFinite(priority)) throw new TypeError(`Hook priority must be a finite number, got ${String(priority)}`);
    if (tags && tags.length === 0) throw new TypeError('Hook tags must not be empty (omit them to run for every dispatch)');
    if (id !== undefined && id.length === 0) throw new TypeError('Hook id must not be empty');
    const list = listOf(event);
    const previous = id === undefined ? undefined : list.get(id);
    if (previous?.locked) throw new LockedHookError(event, previous.id);
    const n = ++seq;
    const entry: HandlerEntry = {
      id: id ?? `hook_${n}`,
      handler,
      priority,
      seq: previous?.seq ?? n,
      tags: tags ? new Set(tags) : undefined,
      locked,
      once,
      active: true,
    };
    if (previous) list.remove(previous);
    list.insert(entry);
    const unsubscribe = () => {
      if (entry.locked) throw new LockedHookError(event, entry.id);
      list.remove(entry);
    };
    return Object.assign(unsubscribe, { id: entry.id });
  }

  // The entries a dispatch runs, taking a one-shot entry out before its call so a concurrent
  // dispatch cannot run it twice.
  function* due(event: string, tag: string | undefined): Generator<HandlerEntry> {
    const list = lists.get(event);
    if (!list) return;
    for (const entry of list.snapshot()) {
      if (!entry.active || !matchesTag(entry, tag)) continue;
      if (entry.once) list.remove(entry);
      yield entry;
    }
  }

  const tagFor = (event: string, payload: unknown, opts: DispatchOptions | undefined) =>
    opts?.tag ?? options.tagOf?.(event as EventName<Events>, payload as Events[EventName<Events>]);

  const meta = (event: string, phase: HookPhase, tag: string | undefined, hookId: string): HookMeta<string> => ({ event, phase, tag, hookId });

  function report(error: HookHandlerError, payload: unknown): void {
    try {
      options.onError(error, payload);
    } catch {
      // The after phase promises never to throw; a broken reporter cannot change that.
    }
  }

  return {
    on: (event, handler, opts = {}) => register(event, handler as HookHandler<unknown>, opts, false),
    once: (event, handler, opts = {}) => register(event, handler as HookHandler<unknown>, { ...opts, locked: false }, true),
    off(event, id) {
      const list = lists.get(event);
      const entry = list?.get(id);
      if (!list || !entry) return false;
      if (entry.locked) throw new LockedHookError(event, id);
      return list.remove(entry);
    },
    has: (event, tag) => countOf(event, tag) > 0,
    count: (event, tag) => countOf(event, tag),
    describe: (event) => (lists.get(event)?.snapshot() ?? []).map(describeEntry),
    clear(event) {
      let removed = 0;
      for (const [name, list] of lists) {
        if (event !== undefined && name !== event) continue;
        for (const entry of list.snapshot()) if (!entry.locked && list.remove(entry)) removed++;
      }
      return removed;
    },
    async runBefore(event, draft, opts) {
      const tag = tagFor(event, draft, opts);
      let current = draft;
      for (const entry of due(event, tag)) {
        let result: unknown;
        try {
          result = await entry.handler(current, meta(event, 'before', tag, entry.id));
        } catch (e) {
          if (isHookAbortError(e)) throw e;
          throw new HookHandlerError(event, entry.id, 'before', e);
        }
        if (result !== undefined) current = result as typeof draft;
      }
      return current;
    },
    async runAfter(event, payload, opts) {
      const tag = tagFor(event, payload, opts);
      const errors: HookHandlerError[] = [];
      for (const entry of due(event, tag)) {
        try {
          await entry.handler(payload, meta(event, 'after', tag, entry.id));
        } catch (e) {
          const error = new HookHandlerError(event, entry.id, 'after', e);
          errors.push(error);
          report(error, payload);
        }
      }
      return errors;
    },
  };

  function countOf(event: string, tag: string | undefined): number {
    const list = lists.get(event);
    if (!list) return 0;
    if (tag === undefined) return list.size;
    return list.snapshot().filter((e) => matchesTag(e, tag)).length;
  }
}
