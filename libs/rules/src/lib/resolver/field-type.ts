/** The collection field types an expression can reference (spec §3.3, without `computed`). */
export type FieldType =
  | 'text'
  | 'number'
  | 'boolean'
  | 'datetime'
  | 'date'
  | 'email'
  | 'url'
  | 'json'
  | 'reference'
  | 'file';

/** All {@link FieldType}s, for validation and UIs. */
export const FIELD_TYPES: readonly FieldType[] = Object.freeze([
  'text',
  'number',
  'boolean',
  'datetime',
  'date',
  'email',
  'url',
  'json',
  'reference',
  'file',
]);

/** A collection field as the resolvers need it: its name and type. */
export interface FieldDefinition {
  readonly name: string;
  readonly type: FieldType;
}

/** The system columns every record has, with the type expressions see them as. */
export const SYSTEM_FIELDS: readonly FieldDefinition[] = Object.freeze([
  { name: 'id', type: 'text' },
  { name: 'account_id', type: 'text' },
  { name: 'created_at', type: 'datetime' },
  { name: 'updated_at', type: 'datetime' },
  { name: 'created_by', type: 'text' },
  { name: 'updated_by', type: 'text' },
] as const);
