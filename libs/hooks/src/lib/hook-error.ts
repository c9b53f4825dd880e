/**
 * Base class of every error this library throws. Each subclass is also recognised by a
 * `Symbol.for` brand, so its `isX` guard works across two copies of the package (a user hook
 * module that bundles its own `@snackbase/hooks`), where `instanceof` would not.
 */
export abstract class HookError extends Error {
  protected constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Marks `error` with `brand` (non-enumerable, so it never shows up in logs or JSON). */
export function brandError(error: Error, brand: symbol): void {
  Object.defineProperty(error, brand, { value: true, enumerable: false });
}

/** True when `value` is an object carrying `brand`. */
export function hasBrand(value: unknown, brand: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}
