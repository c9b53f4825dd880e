import type { ErrorDetail } from '@snackbase/contract';
import { FIELD_TYPES, type FieldDefinition } from '@snackbase/rules';
import { computedExpressionProblems } from './computed-field-check';
import type { FieldInput } from './collection-input';
import type { CollectionField, CollectionFieldType, ComputedReturnType, MaskType, OnDeleteAction } from './collection-model';

const NAME_PATTERN = /^[a-zA-Z][a-zA-Z0-9_]*$/;
/** System columns of every collection table (spec §3.2), compared ignoring case. */
export const RESERVED_FIELD_NAMES: readonly string[] = ['id', 'account_id', 'created_at', 'created_by', 'updated_at', 'updated_by'];
const FIELD_TYPE_NAMES: readonly string[] = [...FIELD_TYPES, 'computed'];
const ON_DELETE: readonly string[] = ['cascade', 'set_null', 'restrict'];
const MASK_TYPES: readonly string[] = ['email', 'ssn', 'phone', 'name', 'full', 'custom'];
const RETURN_TYPES: readonly string[] = ['text', 'number', 'boolean', 'datetime'];
/** At most this many computed fields per collection (spec §4.12). */
export const MAX_COMPUTED_FIELDS = 10;

const problem = (field: string, code: string, message: string): ErrorDetail => ({ field, code, message });
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * Longest collection name: `col_<name>` must fit PostgreSQL's 63-character identifiers (the
 * reference allows 64, whose tables PostgreSQL would silently truncate).
 */
export const MAX_COLLECTION_NAME = 59;
/** Longest field name: a column name is an identifier too. */
export const MAX_FIELD_NAME = 63;

/** The problems of a collection name (spec §3.2: 3+ chars, a letter then letters, digits, `_`). */
export function collectionNameProblems(name: unknown): ErrorDetail[] {
  if (typeof name !== 'string' || name.trim() === '') return [problem('name', 'name_required', 'Collection name is required')];
  if (name.length < 3) return [problem('name', 'name_too_short', 'Collection name must be at least 3 characters')];
  if (name.length > MAX_COLLECTION_NAME) return [problem('name', 'name_too_long', `Collection name must be at most ${MAX_COLLECTION_NAME} characters`)];
  if (!NAME_PATTERN.test(name)) {
    return [problem('name', 'name_invalid_format', 'Collection name must start with a letter and contain only letters, numbers and underscores')];
  }
  return [];
}

/** Whether a default value fits its field type (the DDL turns it into a column DEFAULT). */
function defaultFits(type: CollectionFieldType, value: unknown): boolean {
  switch (type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'json':
    case 'file':
      return true;
    default:
      return typeof value === 'string';
  }
}

/** The problems of one field that depend on no other field; pushes onto `out`. */
function fieldProblems(raw: FieldInput, path: string, out: ErrorDetail[]): void {
  const name = str(raw['name']);
  if (!name) out.push(problem(`${path}.name`, 'field_name_required', 'Field name is required'));
  else if (name.length > MAX_FIELD_NAME) out.push(problem(`${path}.name`, 'field_name_too_long', `Field name must be at most ${MAX_FIELD_NAME} characters`));
  else if (!NAME_PATTERN.test(name)) out.push(problem(`${path}.name`, 'field_name_invalid_format', 'Field name must start with a letter and contain only letters, numbers and underscores'));
  else if (RESERVED_FIELD_NAMES.includes(name.toLowerCase())) out.push(problem(`${path}.name`, 'field_name_reserved', `Field name '${name}' is reserved`));
  const type = str(raw['type'])?.toLowerCase();
  if (!type) out.push(problem(`${path}.type`, 'field_type_required', 'Field type is required'));
  else if (!FIELD_TYPE_NAMES.includes(type)) out.push(problem(`${path}.type`, 'field_type_invalid', `Invalid field type '${type}'. Must be one of: ${FIELD_TYPE_NAMES.join(', ')}`));
  if (type === 'reference') {
    if (!str(raw['collection'])) out.push(problem(`${path}.collection`, 'reference_collection_required', 'Reference fields must name a target collection'));
    const onDelete = raw['on_delete'];
    if (onDelete === undefined || onDelete === null) out.push(problem(`${path}.on_delete`, 'reference_on_delete_required', 'Reference fields must set on_delete'));
    else if (!ON_DELETE.includes(String(onDelete))) out.push(problem(`${path}.on_delete`, 'reference_on_delete_invalid', `on_delete must be one of: ${ON_DELETE.join(', ')}`));
    else if (onDelete === 'set_null' && raw['required'] === true) {
      out.push(problem(`${path}.on_delete`, 'reference_on_delete_invalid', 'on_delete set_null cannot be used on a required field'));
    }
  }
  const mask = raw['mask_type'];
  if (mask !== undefined && mask !== null) {
    if (raw['pii'] !== true) out.push(problem(`${path}.mask_type`, 'mask_type_requires_pii', 'mask_type is only allowed when pii is true'));
    else if (!MASK_TYPES.includes(String(mask))) out.push(problem(`${path}.mask_type`, 'mask_type_invalid', `mask_type must be one of: ${MASK_TYPES.join(', ')}`));
  }
  if (type === 'computed') computedShapeProblems(raw, path, out);
  else if (type && FIELD_TYPE_NAMES.includes(type) && raw['default'] !== undefined && raw['default'] !== null && !defaultFits(type as CollectionFieldType, raw['default'])) {
    out.push(problem(`${path}.default`, 'field_default_invalid', `Default value does not fit a ${type} field`));
  }
}

function computedShapeProblems(raw: FieldInput, path: string, out: ErrorDetail[]): void {
  if (raw['required'] === true) out.push(problem(`${path}.required`, 'computed_field_no_required', 'Computed fields cannot be required'));
  if (raw['default'] !== undefined && raw['default'] !== null) out.push(problem(`${path}.default`, 'computed_field_no_default', 'Computed fields cannot have a default'));
  if (raw['unique'] === true) out.push(problem(`${path}.unique`, 'computed_field_no_unique', 'Computed fields cannot be unique'));
  if (!str(raw['expression'])?.trim()) out.push(problem(`${path}.expression`, 'computed_field_expression_required', 'Computed fields need an expression'));
  const ret = raw['return_type'];
  if (ret === undefined || ret === null) out.push(problem(`${path}.return_type`, 'computed_field_return_type_required', 'Computed fields need a return_type'));
  else if (!RETURN_TYPES.includes(String(ret))) out.push(problem(`${path}.return_type`, 'computed_field_return_type_invalid', `return_type must be one of: ${RETURN_TYPES.join(', ')}`));
}

/** A validated field in its stored form (unknown keys dropped, type lower-cased). */
function storedField(raw: FieldInput): CollectionField {
  const type = String(raw['type']).toLowerCase() as CollectionFieldType;
  const computed = type === 'computed';
  const reference = type === 'reference';
  const pii = raw['pii'] === true;
  return {
    name: String(raw['name']),
    type,
    required: !computed && raw['required'] === true,
    default: computed || raw['default'] === undefined ? null : raw['default'],
    unique: !computed && raw['unique'] === true,
    options: (raw['options'] as Record<string, unknown> | null | undefined) ?? null,
    collection: reference ? String(raw['collection']) : null,
    on_delete: reference ? (raw['on_delete'] as OnDeleteAction) : null,
    pii,
    mask_type: pii ? ((raw['mask_type'] as MaskType | null | undefined) ?? null) : null,
    expression: computed ? String(raw['expression']) : null,
    return_type: computed ? (raw['return_type'] as ComputedReturnType) : null,
  };
}

/** The outcome of {@link validateFields}: the stored fields, or every problem found. */
export type FieldsValidation = { readonly ok: true; readonly fields: CollectionField[] } | { readonly ok: false; readonly problems: ErrorDetail[] };

/**
 * Validates a field list (spec §3.2, §4.12) and reports every problem with its path
 * (`schema[2].name`). Reference targets are checked by the caller (they need the database).
 */
export function validateFields(input: readonly FieldInput[]): FieldsValidation {
  const out: ErrorDetail[] = [];
  if (input.length === 0) return { ok: false, problems: [problem('schema', 'schema_empty', 'At least one field is required')] };
  const seen = new Set<string>();
  input.forEach((raw, i) => {
    fieldProblems(raw, `schema[${i}]`, out);
    const name = str(raw['name'])?.toLowerCase();
    if (name && seen.has(name)) out.push(problem(`schema[${i}].name`, 'field_name_duplicate', `Duplicate field name '${String(raw['name'])}'`));
    if (name) seen.add(name);
  });
  const computedCount = input.filter((f) => str(f['type'])?.toLowerCase() === 'computed').length;
  if (computedCount > MAX_COMPUTED_FIELDS) out.push(problem('schema', 'too_many_computed_fields', `At most ${MAX_COMPUTED_FIELDS} computed fields are allowed`));
  if (out.length > 0) return { ok: false, problems: out };
  const fields = input.map(storedField);
  // Expressions are checked last: they need the other fields' names and types.
  const stored = expressionFields(fields);
  fields.forEach((f, i) => {
    if (f.type === 'computed' && f.expression) out.push(...computedExpressionProblems(f.expression, stored, `schema[${i}].expression`));
  });
  return out.length > 0 ? { ok: false, problems: out } : { ok: true, fields };
}

/** The fields an expression may name: every stored (non-computed) field with its type. */
export function expressionFields(fields: readonly CollectionField[]): FieldDefinition[] {
  return fields.filter((f) => f.type !== 'computed').map((f) => ({ name: f.name, type: f.type as FieldDefinition['type'] }));
}

/** A `; `-joined summary of problems, as the reference's message (spec §3.4). */
export function problemSummary(prefix: string, problems: readonly ErrorDetail[]): string {
  return `${prefix}: ${problems.map((p) => `${p.field ?? ''}: ${p.message}`).join('; ')}`;
}
