import type { FieldDefinition } from '@snackbase/rules';
import { parseFieldList, resolverFields, seesPii, SYSTEM_FIELD_NAMES, visibleFieldNames, type RuleCaller } from '../access';
import { fieldListOf, type CollectionModel } from '../collections';
import { piiComputedFields } from './computed-fields';

/**
 * The fields a caller may see — and therefore filter, sort, group and aggregate on — for a
 * read operation: the operation's field list (superadmins: all) plus the system fields, minus
 * fields the caller would only see masked (PII fields, and computed fields that read one).
 * Anything else behaves as if it did not exist, so `?filter=salary > 100000` cannot probe a
 * hidden or masked value (no side channel).
 */
export interface ReadableFields {
  /** Every readable name: system fields, stored and computed fields. */
  readonly names: ReadonlySet<string>;
  /** The readable stored user fields, for the filter resolver (it adds the system fields). */
  readonly filterable: readonly FieldDefinition[];
  /** Readable computed fields: filters and sorts inline their expressions (computed-sql.ts). */
  readonly computed: ReadonlySet<string>;
}

/** Per model (immutable: a rules or schema change makes a new one), per operation and caller kind. */
const memo = new WeakMap<CollectionModel, Map<string, ReadableFields>>();

export function readableFields(model: CollectionModel, caller: RuleCaller, op: 'list' | 'view'): ReadableFields {
  // The answer depends on the caller only through these two facts, so every request of a kind
  // shares one value (it was rebuilt, Sets and all, on every read).
  const key = `${op}:${caller.isSuperadmin ? 's' : seesPii(caller) ? 'p' : 'u'}`;
  let byKey = memo.get(model);
  if (!byKey) memo.set(model, (byKey = new Map()));
  let fields = byKey.get(key);
  if (!fields) byKey.set(key, (fields = computeReadableFields(model, caller, op)));
  return fields;
}

function computeReadableFields(model: CollectionModel, caller: RuleCaller, op: 'list' | 'view'): ReadableFields {
  const all = model.fields.map((f) => f.name);
  const listed = caller.isSuperadmin ? new Set([...SYSTEM_FIELD_NAMES, ...all]) : visibleFieldNames(parseFieldList(fieldListOf(model.rules, op)), all);
  const masked = seesPii(caller) ? undefined : maskedNames(model);
  const names = masked && masked.size > 0 ? new Set([...listed].filter((name) => !masked.has(name))) : listed;
  return {
    names,
    filterable: resolverFields(model).filter((f) => names.has(f.name)),
    computed: new Set(model.fields.filter((f) => f.type === 'computed' && names.has(f.name)).map((f) => f.name)),
  };
}

const masks = new WeakMap<CollectionModel, ReadonlySet<string>>();

/** What a caller without PII access sees masked: PII fields and the computed fields over them. */
function maskedNames(model: CollectionModel): ReadonlySet<string> {
  let names = masks.get(model);
  if (!names) {
    names = new Set([...model.fields.filter((f) => f.pii).map((f) => f.name), ...piiComputedFields(model)]);
    masks.set(model, names);
  }
  return names;
}
