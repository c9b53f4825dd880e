import type { ErrorDetail } from '@snackbase/contract';
import type { CollectionModel } from '../collections';
import { validationFailed } from '../errors';
import { checkValue, problem } from './value-checks';

/**
 * How a body is read (spec §4.5): `create` fills defaults and needs every required field; `replace`
 * (PUT) needs every required field and re-applies defaults of absent optional fields, leaving
 * the others unchanged; `patch` checks only the fields present.
 */
export type WriteMode = 'create' | 'replace' | 'patch';

/** The system columns; never written from a body (the access check refuses them first). */
const SYSTEM = new Set(['id', 'account_id', 'created_at', 'created_by', 'updated_at', 'updated_by']);

/** The 400 every invalid record body gets (the reference's title and message). */
export function recordValidationFailed(details: readonly ErrorDetail[]) {
  return validationFailed(details, 'Record validation failed');
}

/**
 * Problems of `body` against the collection, and its values normalised (datetimes to ISO-8601
 * UTC, file values to objects, defaults filled per `mode`, computed fields dropped). Pure: no
 * database (reference existence is checked by the writer, in the record's account).
 */
export function checkRecordValues(
  model: Pick<CollectionModel, 'fields'>,
  body: Readonly<Record<string, unknown>>,
  mode: WriteMode,
): { readonly values: Record<string, unknown>; readonly details: ErrorDetail[] } {
  const details: ErrorDetail[] = [];
  const values: Record<string, unknown> = {};
  const byName = new Map(model.fields.map((f) => [f.name, f]));
  for (const key of Object.keys(body)) {
    if (body[key] === undefined) continue;
    if (!byName.has(key) || SYSTEM.has(key)) details.push(problem(key, 'unknown_field', `Field '${key}' does not exist in collection`));
  }
  for (const field of model.fields) {
    if (field.type === 'computed') continue; // evaluated on read; silently ignored on write
    const present = Object.prototype.hasOwnProperty.call(body, field.name) && body[field.name] !== undefined;
    if (!present) {
      if (mode === 'patch') continue;
      if (field.required) {
        details.push(problem(field.name, 'required_missing', `Field '${field.name}' is required`));
      } else if (field.default !== null && field.default !== undefined) {
        const checked = checkValue(field, field.default);
        // A default the schema accepted is trusted; normalised when it fits its type.
        values[field.name] = checked.ok ? checked.value : field.default;
      }
      continue;
    }
    const value = body[field.name];
    if (value === null) {
      if (field.required) details.push(problem(field.name, 'required_null', `Field '${field.name}' cannot be null`));
      else values[field.name] = null;
      continue;
    }
    const checked = checkValue(field, value);
    if (checked.ok) values[field.name] = checked.value;
    else details.push(problem(field.name, checked.code, checked.message));
  }
  return { values, details };
}

/**
 * The normalised values of `body` for `mode`.
 * @throws AppError 400 `validation_failed` with one detail per problem (all of them, not the first).
 * @example validateRecordValues(posts, { title: 'Hi', published_at: '2024-01-01T12:00:00+02:00' }, 'create')
 * // { title: 'Hi', published_at: '2024-01-01T10:00:00.000Z', status: 'draft' /* default *\/ }
 */
export function validateRecordValues(model: Pick<CollectionModel, 'fields'>, body: Readonly<Record<string, unknown>>, mode: WriteMode): Record<string, unknown> {
  const { values, details } = checkRecordValues(model, body, mode);
  if (details.length) throw recordValidationFailed(details);
  return values;
}
