/** Why a collection table could not be created or migrated. */
export type CollectionDdlErrorCode = 'not_null_violation' | 'unique_violation' | 'invalid_default' | 'missing_reference_table' | 'invalid_name';

/**
 * A refused table change. The message is safe to show (no SQL); `field` names the column at
 * fault where there is one. Thrown before any DDL runs, so the caller's transaction rolls back
 * with nothing changed.
 */
export class CollectionDdlError extends Error {
  override readonly name = 'CollectionDdlError';
  constructor(
    readonly code: CollectionDdlErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
