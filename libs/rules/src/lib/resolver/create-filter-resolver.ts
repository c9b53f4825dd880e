import { createFieldMap, unknownFieldMessage } from './field-map';
import type { FieldDefinition } from './field-type';
import type { Resolution, RuleResolver } from './rule-resolver';

/** Options of {@link createFilterResolver}. */
export interface FilterResolverOptions {
  /** The collection's fields (system fields are added automatically). */
  readonly fields: readonly FieldDefinition[];
}

/**
 * A resolver for user-supplied `?filter=` strings: the collection's fields and the system
 * fields, nothing else. Any `@` variable is rejected (a filter never sees `@request.*`).
 * @example checkExpression("price > 5", { resolver: createFilterResolver({ fields }), kind: 'filter' })
 */
export function createFilterResolver(options: FilterResolverOptions): RuleResolver {
  const map = createFieldMap(options.fields);
  return {
    resolve(name: string): Resolution {
      if (name.startsWith('@')) {
        return { kind: 'rejected', code: 'context_not_allowed', message: `Context variables are not allowed in filters: ${name}` };
      }
      const type = map.get(name);
      if (type === undefined) return { kind: 'rejected', code: 'unknown_field', message: unknownFieldMessage(name, map) };
      return { kind: 'column', column: name, fieldType: type };
    },
  };
}
