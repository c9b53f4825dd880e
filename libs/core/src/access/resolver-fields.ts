import type { FieldDefinition } from '@snackbase/rules';
import { storedFields, type CollectionModel } from '../collections';

const cache = new WeakMap<CollectionModel, readonly FieldDefinition[]>();

/**
 * The columns rules and filters may name: the stored fields of the collection (computed fields
 * have no column: filters inline their expressions, records/computed-sql.ts). System fields are
 * added by the resolvers. Memoised per model object: models
 * are immutable and replaced on change.
 */
export function resolverFields(model: CollectionModel): readonly FieldDefinition[] {
  let fields = cache.get(model);
  if (!fields) {
    fields = Object.freeze(storedFields(model).map((f) => ({ name: f.name, type: f.type as FieldDefinition['type'] })));
    cache.set(model, fields);
  }
  return fields;
}
