import type { FieldType } from './field-type';
import type { ScalarValue } from './rule-resolver';

/**
 * Turns a JSON value (from a request body) into the scalar an expression sees for a field of
 * `type`. A value of the wrong JS type becomes NULL (bodies are validated against the schema
 * before rules run, so this only guards against misuse); json/file objects become JSON text.
 */
export function normalizeFieldValue(type: FieldType, value: unknown): ScalarValue {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'json':
    case 'file':
      return typeof value === 'string' ? value : JSON.stringify(value);
    case 'text':
    case 'email':
    case 'url':
    case 'reference':
    case 'date':
    case 'datetime':
      return typeof value === 'string' ? value : null;
  }
}
