import type { FieldType } from '../resolver/field-type';

/**
 * The static type of a sub-expression. `date` and `datetime` are kept apart from `text` because
 * PostgreSQL may store them in typed columns; `invalid` marks a node that already has an issue
 * (so one mistake is reported once).
 */
export type ValueType = 'text' | 'number' | 'boolean' | 'date' | 'datetime' | 'json' | 'null' | 'invalid';

/** What the checker knows about one node. */
export interface TypeInfo {
  readonly type: ValueType;
  /** Set when the node is a field or a resolver value: the field type drives the operator matrix. */
  readonly fieldType?: FieldType;
  /** True when the node is a column reference (its SQL type is fixed by the table). */
  readonly column: boolean;
}

const FIELD_VALUE_TYPES: Record<FieldType, ValueType> = {
  text: 'text',
  email: 'text',
  url: 'text',
  reference: 'text',
  file: 'text',
  number: 'number',
  boolean: 'boolean',
  date: 'date',
  datetime: 'datetime',
  json: 'json',
};

/** The value type expressions see for a field type. */
export function valueTypeOfField(type: FieldType): ValueType {
  return FIELD_VALUE_TYPES[type];
}

/**
 * Whether two operands may be compared. Dates and datetimes accept text only from literals and
 * request values (never a text column), so PostgreSQL can coerce the parameter.
 */
export function areComparable(a: TypeInfo, b: TypeInfo): boolean {
  if (a.type === 'null' || b.type === 'null' || a.type === 'invalid' || b.type === 'invalid') return true;
  if (a.type === 'json' || b.type === 'json') return false;
  if (a.type === b.type) return true;
  const temporal = (t: TypeInfo): boolean => t.type === 'date' || t.type === 'datetime';
  return (temporal(a) && b.type === 'text' && !b.column) || (temporal(b) && a.type === 'text' && !a.column);
}
