import { brandError, hasBrand, HookError } from './hook-error';

const BRAND = Symbol.for('@snackbase/hooks:LockedHookError');

/** Someone tried to remove or replace a handler registered with `{ locked: true }`. */
export class LockedHookError extends HookError {
  readonly event: string;
  readonly hookId: string;

  constructor(event: string, hookId: string) {
    super(`Hook "${hookId}" on "${event}" is locked (built-in) and cannot be removed or replaced`);
    this.event = event;
    this.hookId = hookId;
    brandError(this, BRAND);
  }
}

/** True for a {@link LockedHookError}, including one created by another copy of this package. */
export function isLockedHookError(value: unknown): value is LockedHookError {
  return value instanceof LockedHookError || hasBrand(value, BRAND);
}
