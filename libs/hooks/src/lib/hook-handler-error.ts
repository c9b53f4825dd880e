import { brandError, hasBrand, HookError } from './hook-error';
import type { HookPhase } from './hook-types';

const BRAND = Symbol.for('@snackbase/hooks:HookHandlerError');

/**
 * A handler failed with something other than a {@link HookAbortError}. Names the hook and the
 * event so a log line says whose code broke; the original error is `cause`.
 */
export class HookHandlerError extends HookError {
  readonly event: string;
  readonly hookId: string;
  readonly phase: HookPhase;

  constructor(event: string, hookId: string, phase: HookPhase, cause: unknown) {
    super(`Hook "${hookId}" failed on ${phase} event "${event}": ${describe(cause)}`, { cause });
    this.event = event;
    this.hookId = hookId;
    this.phase = phase;
    brandError(this, BRAND);
  }
}

/** True for a {@link HookHandlerError}, including one created by another copy of this package. */
export function isHookHandlerError(value: unknown): value is HookHandlerError {
  return value instanceof HookHandlerError || hasBrand(value, BRAND);
}

function describe(cause: unknown): string {
  if (cause instanceof Error) return cause.message || cause.name;
  try {
    return typeof cause === 'string' ? cause : `non-error value ${JSON.stringify(cause) ?? String(cause)}`;
  } catch {
    return 'non-error value';
  }
}
