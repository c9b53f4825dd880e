import { checkExpression, createFilterResolver, type FieldDefinition, type RuleIssue } from '@snackbase/rules';
import type { ErrorDetail } from '@snackbase/contract';

/** Parser and limit problems: the text is not an expression at all. */
const SYNTAX_CODES = new Set<RuleIssue['code']>(['syntax_error', 'expression_too_long', 'nesting_too_deep', 'too_many_nodes']);

/**
 * The problems of one computed field's expression (spec §4.12): it may name only stored
 * (non-computed) fields and system fields. The filter resolver decides that; a computed value
 * need not be a condition, so `not_a_condition` is no problem here.
 */
export function computedExpressionProblems(expression: string, storedFields: readonly FieldDefinition[], path: string): ErrorDetail[] {
  let issues: readonly RuleIssue[];
  try {
    issues = checkExpression(expression, { resolver: createFilterResolver({ fields: storedFields }), kind: 'filter' });
  } catch (e) {
    return [{ field: path, message: `Invalid expression: ${(e as Error).message}`, code: 'computed_field_expression_invalid' }];
  }
  return issues
    .filter((i) => i.code !== 'not_a_condition')
    .map((i) => ({
      field: path,
      message: `${i.message} (at position ${i.position})`,
      code: SYNTAX_CODES.has(i.code) ? 'computed_field_expression_invalid' : 'computed_field_expression_error',
    }));
}
