import { FIELD_TYPES, SYSTEM_FIELDS, type FieldDefinition, type FieldType } from './field-type';

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Whether `name` can name a field: a letter, then letters, digits and `_`. */
export function isFieldName(name: string): boolean {
  return FIELD_NAME.test(name);
}

/**
 * Builds a name → type map of the collection's fields plus the system fields. A `Map` (not an
 * object) so `__proto__` or `constructor` can never resolve to something.
 * @throws {TypeError} on an invalid field name or type (a programming error, not user input).
 */
export function createFieldMap(fields: readonly FieldDefinition[]): ReadonlyMap<string, FieldType> {
  const map = new Map<string, FieldType>();
  for (const field of [...fields, ...SYSTEM_FIELDS]) {
    if (!isFieldName(field.name)) throw new TypeError(`Invalid field name '${field.name}'`);
    if (!FIELD_TYPES.includes(field.type)) throw new TypeError(`Invalid type '${field.type}' of field '${field.name}'`);
    map.set(field.name, field.type);
  }
  return map;
}

/** Message of an unknown field, listing the available ones (spec §4.6 wording). */
export function unknownFieldMessage(name: string, available: Iterable<string>): string {
  return `Field '${name}' does not exist in collection. Available fields: ${[...available].join(', ')}`;
}

/** Whether `name` is one of the system fields. */
export function isSystemField(name: string): boolean {
  return SYSTEM_FIELDS.some((f) => f.name === name);
}
