import { brandError, hasBrand, HookError } from './hook-error';

const BRAND = Symbol.for('@snackbase/hooks:HookAbortError');

/**
 * Thrown by a "before" handler to refuse the operation. The registry re-throws it unchanged to
 * the caller of `runBefore`, which turns it into a client error with this `status` (400–499)
 * and `message`; `details` travel along (e.g. a list of field problems).
 *
 * @example
 * hooks.on('record.beforeCreate', (p) => {
 *   if (!p.data['title']) throw new HookAbortError(400, 'A post needs a title', [{ field: 'title', message: 'required' }]);
 * });
 */
export class HookAbortError<Details = unknown> extends HookError {
  readonly status: number;
  readonly details: Details | undefined;

  /** @throws RangeError when `status` is not an integer between 400 and 499. */
  constructor(status: number, message: string, details?: Details) {
    if (!Number.isInteger(status) || status < 400 || status > 499) {
      throw new RangeError(`HookAbortError status must be an integer between 400 and 499, got ${String(status)}`);
    }
    super(message);
    this.status = status;
    this.details = details;
    brandError(this, BRAND);
  }
}

/** True for a {@link HookAbortError}, including one created by another copy of this package. */
export function isHookAbortError(value: unknown): value is HookAbortError {
  return value instanceof HookAbortError || hasBrand(value, BRAND);
}
