import { RuleError } from './rule-error';

/**
 * The in-memory evaluator met a node it cannot evaluate (an unexpanded macro call or an unknown
 * function): the AST was not prepared with {@link prepareExpression}.
 */
export class RuleEvaluationError extends RuleError {
  readonly code = 'evaluation_error' as const;

  constructor(message: string, position: number) {
    super(`${message} at position ${position}`, position);
  }
}
