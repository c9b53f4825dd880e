/** Machine-readable codes of the problems the parser, checker and macro system report. */
export type RuleIssueCode =
  | 'syntax_error'
  | 'expression_too_long'
  | 'nesting_too_deep'
  | 'too_many_nodes'
  | 'unknown_field'
  | 'unknown_variable'
  | 'context_not_allowed'
  | 'data_not_allowed'
  | 'operator_not_allowed'
  | 'type_mismatch'
  | 'not_a_condition'
  | 'null_comparison'
  | 'invalid_pattern'
  | 'unknown_function'
  | 'unknown_macro'
  | 'argument_count'
  | 'argument_type'
  | 'macro_not_allowed'
  | 'macro_recursion'
  | 'invalid_macro'
  | 'invalid_field_expression';

/** One problem in an expression: what, where (0-based offset into the text) and a stable code. */
export interface RuleIssue {
  readonly message: string;
  readonly position: number;
  readonly code: RuleIssueCode;
}
