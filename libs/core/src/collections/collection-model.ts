import type { ExportedRules } from '@snackbase/contract';
import type { FieldType } from '@snackbase/rules';

/** Every field type of spec §3.3: the stored ones plus `computed` (no column, evaluated on read). */
export type CollectionFieldType = FieldType | 'computed';

/** Reference `on_delete` actions (spec §3.3). */
export type OnDeleteAction = 'cascade' | 'set_null' | 'restrict';

/** PII mask types (spec §5.9). */
export type MaskType = 'email' | 'ssn' | 'phone' | 'name' | 'full' | 'custom';

/** What a computed field's expression yields (informational, spec §4.12). */
export type ComputedReturnType = 'text' | 'number' | 'boolean' | 'datetime';

/**
 * One field of a collection, exactly as stored in `collections.schema` and echoed on the wire
 * under `schema` (spec §3.2). Keys are snake_case because they are the wire format.
 */
export interface CollectionField {
  readonly name: string;
  readonly type: CollectionFieldType;
  readonly required: boolean;
  /** JSON value applied on create when the field is absent; `null` = no default. */
  readonly default: unknown;
  /** Unique per account (never across accounts). */
  readonly unique: boolean;
  /** Stored and echoed, not interpreted. */
  readonly options: Readonly<Record<string, unknown>> | null;
  /** Reference target collection name (reference fields only). */
  readonly collection: string | null;
  readonly on_delete: OnDeleteAction | null;
  readonly pii: boolean;
  readonly mask_type: MaskType | null;
  /** Computed fields only. */
  readonly expression: string | null;
  readonly return_type: ComputedReturnType | null;
}

/** The four operations that have a field list (there is no `delete_fields`). */
export type FieldListOperation = 'list' | 'view' | 'create' | 'update';

/** The five rule operations (spec §5.1). */
export type RuleOperation = 'list' | 'view' | 'create' | 'update' | 'delete';

export const RULE_OPERATIONS: readonly RuleOperation[] = Object.freeze(['list', 'view', 'create', 'update', 'delete']);

/**
 * A collection's rules row (spec §5.1): a rule is `null` (locked: superadmins only), `''`
 * (public) or an expression; a field list is `'*'` or a JSON-array string of field names. Rules
 * answers and export files carry the same nine keys, so this is the contract's type.
 */
export type CollectionRules = ExportedRules;

/** Rules of a new collection: everything locked, every field listed. */
export const LOCKED_RULES: CollectionRules = Object.freeze({
  list_rule: null,
  view_rule: null,
  create_rule: null,
  update_rule: null,
  delete_rule: null,
  list_fields: '*',
  view_fields: '*',
  create_fields: '*',
  update_fields: '*',
});

/** A collection as every module reads it: definition, physical table and rules, in one value. */
export interface CollectionModel {
  readonly id: string;
  readonly name: string;
  /** `col_<lower(name)>`. */
  readonly tableName: string;
  readonly fields: readonly CollectionField[];
  readonly rules: CollectionRules;
  readonly migrationRevision: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The physical table of a collection name (names are one name ignoring case). */
export function collectionTableName(name: string): string {
  return `col_${name.toLowerCase()}`;
}

/** The rule text of one operation. */
export function ruleOf(rules: CollectionRules, op: RuleOperation): string | null {
  return rules[`${op}_rule`];
}

/** The field-list text of one operation. */
export function fieldListOf(rules: CollectionRules, op: FieldListOperation): string {
  return rules[`${op}_fields`];
}

/**
 * Just the nine rules keys of `r`, in wire order: a stored row or model also carries ids and
 * timestamps that a rules answer or an export file names differently or leaves out.
 */
export function rulesOnly(r: CollectionRules): CollectionRules {
  return {
    list_rule: r.list_rule,
    view_rule: r.view_rule,
    create_rule: r.create_rule,
    update_rule: r.update_rule,
    delete_rule: r.delete_rule,
    list_fields: r.list_fields,
    view_fields: r.view_fields,
    create_fields: r.create_fields,
    update_fields: r.update_fields,
  };
}

/** The fields that have a column (everything but `computed`). */
export function storedFields(model: Pick<CollectionModel, 'fields'>): readonly CollectionField[] {
  return model.fields.filter((f) => f.type !== 'computed');
}

/** Fills the optional keys of a stored field object (older rows, imports) with their defaults. */
export function normalizeStoredField(raw: Readonly<Record<string, unknown>>): CollectionField {
  return {
    name: String(raw['name']),
    type: String(raw['type']).toLowerCase() as CollectionFieldType,
    required: raw['required'] === true,
    default: raw['default'] === undefined ? null : raw['default'],
    unique: raw['unique'] === true,
    options: (raw['options'] as Record<string, unknown> | null | undefined) ?? null,
    collection: (raw['collection'] as string | null | undefined) ?? null,
    on_delete: (raw['on_delete'] as OnDeleteAction | null | undefined) ?? null,
    pii: raw['pii'] === true,
    mask_type: (raw['mask_type'] as MaskType | null | undefined) ?? null,
    expression: (raw['expression'] as string | null | undefined) ?? null,
    return_type: (raw['return_type'] as ComputedReturnType | null | undefined) ?? null,
  };
}
