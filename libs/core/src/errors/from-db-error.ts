import { translateDbError } from '@snackbase/db';
import { AppError, conflict, serviceUnavailable } from './app-error';

/**
 * The client-facing error for a database failure (ARCHITECTURE "Errors"): unique → 409 naming
 * the field, foreign key / NOT NULL / check → 400 with details, unreachable → 503, a lost
 * deadlock or serialization race → 409 (nothing written; retry). Returns
 * undefined for anything else, which the error handler turns into a plain 500.
 */
export function fromDbError(error: unknown): AppError | undefined {
  const db = translateDbError(error);
  if (!db) return undefined;
  const field = db.columns.filter((c) => c !== 'account_id').join(', ') || undefined;
  switch (db.kind) {
    case 'unique':
      return new AppError(409, 'unique_violation', 'Conflict', `A record with this ${field ?? 'value'} already exists`, undefined, field ? { field } : undefined, { cause: error });
    case 'foreign_key':
      return new AppError(400, 'validation_failed', 'Validation error', 'A referenced record does not exist', [{ field, message: 'Referenced record does not exist', code: 'invalid_reference' }], undefined, { cause: error });
    case 'not_null':
      return new AppError(400, 'validation_failed', 'Validation error', 'A required value is missing', [{ field, message: 'This field is required', code: 'required_missing' }], undefined, { cause: error });
    case 'check':
      return new AppError(400, 'validation_failed', 'Validation error', 'A value is out of range', [{ message: 'A value breaks a constraint', code: 'constraint_violation' }], undefined, { cause: error });
    case 'unavailable':
      return serviceUnavailable('The database is unavailable');
    case 'contention':
      // Nothing was written (the transaction was rolled back); the same request may simply be sent again.
      return conflict('The write collided with a concurrent one and was not applied; retry it');
  }
}
