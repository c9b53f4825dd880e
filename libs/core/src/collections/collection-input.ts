import type { CollectionRules } from './collection-model';

/** One field object as a client sends it (spec §3.2); validated into a `CollectionField`. */
export type FieldInput = Readonly<Record<string, unknown>>;

/** The five rules and four field lists as a request may carry them; absent = unchanged/default. */
export type RulesInput = { readonly [K in keyof CollectionRules]?: CollectionRules[K] | null };

/**
 * `POST /collections` body (spec §3.4): the field list under `schema` or (the SDK) `fields`,
 * plus optional rules. Rules default to locked, field lists to `*`.
 */
export interface CreateCollectionInput extends RulesInput {
  readonly name?: unknown;
  readonly schema?: readonly FieldInput[];
  readonly fields?: readonly FieldInput[];
}

/**
 * `PUT /collections/{id}` body: the full new field list. A field absent from it is dropped
 * with its data; `renames` (`{"<old>": "<new>"}`) keeps a field's data under a new name.
 */
export interface UpdateCollectionInput {
  readonly schema?: readonly FieldInput[];
  readonly fields?: readonly FieldInput[];
  readonly renames?: Readonly<Record<string, string>>;
}

/** The field list of a create/update body: `schema` wins over `fields`. */
export function fieldsOf(input: { readonly schema?: readonly FieldInput[]; readonly fields?: readonly FieldInput[] }): readonly FieldInput[] {
  return input.schema ?? input.fields ?? [];
}
