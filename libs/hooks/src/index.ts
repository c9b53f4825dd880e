// Public API of @snackbase/hooks: a typed, priority-ordered hook registry with a before phase
// (awaited, may change the draft or abort) and an after phase (isolated, errors reported).

export { createHookRegistry, type HookRegistry, type HookRegistryOptions } from './lib/create-hook-registry';
export type {
  DispatchOptions,
  EventName,
  HookDescriptor,
  HookHandler,
  HookMeta,
  HookOptions,
  HookPhase,
  OnceOptions,
  Unsubscribe,
} from './lib/hook-types';
export { HookError } from './lib/hook-error';
export { HookAbortError, isHookAbortError } from './lib/hook-abort-error';
export { HookHandlerError, isHookHandlerError } from './lib/hook-handler-error';
export { LockedHookError, isLockedHookError } from './lib/locked-hook-error';
