/**
 * The event names of an event map: its string keys. An event map is any object type (interface
 * or type alias) from event name to payload type, e.g.
 * `interface Events { 'user.beforeSave': { name: string }; 'user.afterSave': { id: string } }`.
 */
export type EventName<Events extends object> = Extract<keyof Events, string>;

/** `before`: awaited, may change the draft or abort. `after`: isolated, errors only reported. */
export type HookPhase = 'before' | 'after';

/** What a handler learns about the dispatch besides the payload. */
export interface HookMeta<E extends string = string> {
  readonly event: E;
  readonly phase: HookPhase;
  /** The dispatch's tag (e.g. a collection name), if it has one. */
  readonly tag: string | undefined;
  /** The id of the handler being called. */
  readonly hookId: string;
}

/**
 * A hook handler. In the before phase, returning a value (or a promise of one) replaces the
 * draft for the next handlers and the caller; returning nothing keeps the (possibly mutated)
 * draft. Throwing aborts the operation. In the after phase the return value is ignored.
 */
export type HookHandler<P, E extends string = string> = (payload: P, meta: HookMeta<E>) => P | void | Promise<P | void>;

/** Options of `on`. */
export interface HookOptions {
  /** Lower runs first; equal priorities run in registration order. Default 0. */
  readonly priority?: number;
  /**
   * Restricts the handler to dispatches carrying one of these tags. Without `tags` the handler
   * runs for every dispatch of its event, tagged or not.
   */
  readonly tags?: readonly string[];
  /** Stable id; registering again with the same id on the same event replaces the handler. */
  readonly id?: string;
  /** Built-in handler: cannot be removed, replaced or cleared (those throw {@link LockedHookError}). */
  readonly locked?: boolean;
}

/** Options of `once`: a one-shot handler is never locked. */
export type OnceOptions = Omit<HookOptions, 'locked'>;

/** Options of `runBefore` / `runAfter`. */
export interface DispatchOptions {
  /** Which tagged handlers run (see {@link HookOptions.tags}); defaults to the registry's `tagOf`. */
  readonly tag?: string;
}

/** A registered handler as `describe` reports it. */
export interface HookDescriptor {
  readonly id: string;
  readonly priority: number;
  readonly tags: readonly string[] | undefined;
  readonly locked: boolean;
  readonly once: boolean;
}

/**
 * Removes the handler it was returned for; calling it again, or after the handler was
 * replaced by id, does nothing. Throws {@link LockedHookError} for a locked handler.
 */
export interface Unsubscribe {
  (): void;
  /** The handler's id (generated as `hook_<n>` when not given). */
  readonly id: string;
}
