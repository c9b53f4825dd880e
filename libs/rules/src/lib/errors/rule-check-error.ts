import { RuleError } from './rule-error';
import type { RuleIssue } from './rule-issue';

/**
 * The expression parsed but is not valid in its context (unknown field, wrong operator for a
 * type, unknown macro, …). `issues` lists every problem found, not only the first.
 */
export class RuleCheckError extends RuleError {
  readonly code = 'invalid_expression' as const;
  readonly issues: readonly RuleIssue[];

  constructor(issues: readonly RuleIssue[]) {
    const first = issues[0];
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super(first ? `${first.message} at position ${first.position}${more}` : 'Invalid expression', first?.position ?? 0);
    this.issues = Object.freeze([...issues]);
  }
}
