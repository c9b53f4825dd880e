import type { ExpressionNode } from '../ast/expression-node';
import { createFieldMap, isFieldName, unknownFieldMessage } from './field-map';
import type { FieldDefinition } from './field-type';
import type { Resolution, RuleResolver } from './rule-resolver';

/** A name a filter may use that stands for an expression over the fields (a computed field). */
export interface ExpressionField {
  readonly name: string;
  /** The macro-free AST the name stands for (see `ExpressionResolution`). */
  readonly expression: ExpressionNode;
  /**
   * Resolves the expression's own identifiers. Default: `fields` plus the system fields, without
   * the expression fields (so one cannot name another).
   */
  readonly resolver?: RuleResolver;
}

/** Options of {@link createFilterResolver}. */
export interface FilterResolverOptions {
  /** The collection's fields (system fields are added automatically). */
  readonly fields: readonly FieldDefinition[];
  /** Names that stand for expressions, inlined where a filter names them (none by default). */
  readonly expressionFields?: readonly ExpressionField[];
}

/**
 * A resolver for user-supplied `?filter=` strings: the collection's fields, the system fields
 * and the expression fields, nothing else. Any `@` variable is rejected (a filter never sees
 * `@request.*`).
 * @example checkExpression("price > 5", { resolver: createFilterResolver({ fields }), kind: 'filter' })
 * @example
 * const total = { name: 'total', expression: parseExpression('price * qty') };
 * compileExpression('total > 10', { resolver: createFilterResolver({ fields, expressionFields: [total] }), kind: 'filter', dialect });
 * // → ("price" * "qty") > ?
 * @throws {TypeError} on an invalid or duplicate field name (a programming error, not user input).
 */
export function createFilterResolver(options: FilterResolverOptions): RuleResolver {
  const map = createFieldMap(options.fields);
  const expressions = options.expressionFields?.length ? expressionMap(options.expressionFields, map) : NO_EXPRESSIONS;
  let fieldsOnly: RuleResolver | undefined;
  return {
    resolve(name: string): Resolution {
      if (name.startsWith('@')) {
        return { kind: 'rejected', code: 'context_not_allowed', message: `Context variables are not allowed in filters: ${name}` };
      }
      const expression = expressions.get(name);
      if (expression) {
        fieldsOnly ??= createFilterResolver({ fields: options.fields });
        return { kind: 'expression', expression: expression.expression, resolver: expression.resolver ?? fieldsOnly };
      }
      const type = map.get(name);
      if (type === undefined) return { kind: 'rejected', code: 'unknown_field', message: unknownFieldMessage(name, [...map.keys(), ...expressions.keys()]) };
      return { kind: 'column', column: name, fieldType: type };
    },
  };
}

const NO_EXPRESSIONS: ReadonlyMap<string, ExpressionField> = new Map();

function expressionMap(fields: readonly ExpressionField[], columns: ReadonlyMap<string, unknown>): ReadonlyMap<string, ExpressionField> {
  const map = new Map<string, ExpressionField>();
  for (const field of fields) {
    if (!isFieldName(field.name)) throw new TypeError(`Invalid field name '${field.name}'`);
    if (columns.has(field.name) || map.has(field.name)) throw new TypeError(`Duplicate field name '${field.name}'`);
    map.set(field.name, field);
  }
  return map;
}
