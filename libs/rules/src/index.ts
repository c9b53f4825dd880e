// Public API of @snackbase/rules: parser, checker, Kysely compiler and evaluator of SnackBase's
// expression language (collection rules, ?filter= strings, webhook filters).

export type {
  ArithmeticNode,
  ArithmeticOperator,
  CallNode,
  ComparisonNode,
  ComparisonOperator,
  ExpressionKind as ExpressionNodeKind,
  ExpressionNode,
  IdentifierNode,
  InNode,
  IsNullNode,
  LiteralNode,
  LiteralValue,
  LogicalNode,
  LogicalOperator,
  NegateNode,
  NodeOfKind,
  NotNode,
} from './lib/ast/expression-node';
export { childrenOf, countNodes, mapChildren } from './lib/ast/map-children';

export { RuleError } from './lib/errors/rule-error';
export { RuleSyntaxError } from './lib/errors/rule-syntax-error';
export { RuleLimitError, type RuleLimitCode } from './lib/errors/rule-limit-error';
export { RuleCheckError } from './lib/errors/rule-check-error';
export { RuleEvaluationError } from './lib/errors/rule-evaluation-error';
export type { RuleIssue, RuleIssueCode } from './lib/errors/rule-issue';

export type { Token, TokenKind } from './lib/syntax/token';
export { tokenize } from './lib/syntax/tokenize';
export { parseExpression } from './lib/syntax/parse-expression';
export { DEFAULT_PARSE_LIMITS, resolveParseLimits, type ParseLimits } from './lib/syntax/parse-limits';
export { createAstCache, type AstCache, type AstCacheOptions } from './lib/cache/create-ast-cache';

export { FIELD_TYPES, SYSTEM_FIELDS, type FieldDefinition, type FieldType } from './lib/resolver/field-type';
export type {
  ColumnResolution,
  ExpressionResolution,
  RejectedResolution,
  Resolution,
  RuleResolver,
  ScalarValue,
  ValueResolution,
} from './lib/resolver/rule-resolver';
export { AUTH_VARIABLES, type AuthContext } from './lib/resolver/auth-context';
export { createFilterResolver, type ExpressionField, type FilterResolverOptions } from './lib/resolver/create-filter-resolver';
export { createRuleResolver, type RuleResolverOptions } from './lib/resolver/create-rule-resolver';

export type { BuiltinMacro, MacroContext, MacroDefinition, MacroFailure, UserMacro } from './lib/macros/macro-definition';
export { BUILTIN_MACROS } from './lib/macros/builtin-macros';
export { defineMacro, type MacroSpec } from './lib/macros/define-macro';
export { createMacroRegistry, type MacroRegistry, type MacroRegistryOptions } from './lib/macros/macro-registry';
export { expandMacros, type ExpandOptions, type Expansion } from './lib/macros/expand-macros';

export type { TypeInfo, ValueType } from './lib/check/value-type';
export { OPERATOR_MATRIX, type MatrixOperator } from './lib/check/operator-matrix';
export { FUNCTION_CATALOG, type FunctionName, type FunctionSignature } from './lib/check/function-catalog';
export { escapeLike, likePattern } from './lib/check/like-pattern';
export { analyzeExpression, type AnalyzeOptions, type Analysis } from './lib/check/analyze-expression';
export {
  defaultMacroRegistry,
  prepareExpression,
  type ExpressionKind,
  type PrepareOptions,
  type PreparedExpression,
} from './lib/check/prepare-expression';
export { checkExpression } from './lib/check/check-expression';

export { compileExpression, type CompileOptions } from './lib/compile/compile-expression';
export type { SqlDialect } from './lib/compile/sql-dialect';

export { evaluate, evaluateValue, matches, type EvaluationContext } from './lib/evaluate/evaluate';
export type { SqlValue, TruthValue } from './lib/evaluate/sql-value';
