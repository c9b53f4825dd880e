import { RuleError } from '../errors/rule-error';
import type { RuleIssue } from '../errors/rule-issue';
import { analyzeInput, type PrepareOptions } from './prepare-expression';

/**
 * Checks an expression and reports EVERY problem at once (syntax or limit errors end the list
 * early since nothing after them can be analysed). An empty list means the expression is valid
 * for this resolver and kind. Meant for the rules API and the admin editor.
 * @example
 * checkExpression("price ~ 'x' && nope = 1", { resolver: createFilterResolver({ fields }), kind: 'filter' })
 * // → [{ code: 'operator_not_allowed', position: 0, … }, { code: 'unknown_field', position: 15, … }]
 */
export function checkExpression(text: string, options: PrepareOptions): readonly RuleIssue[] {
  try {
    return analyzeInput(text, options).issues;
  } catch (e) {
    if (e instanceof RuleError && e.code !== 'invalid_expression' && e.code !== 'evaluation_error') {
      return [{ code: e.code, message: e.message, position: e.position }];
    }
    throw e;
  }
}
