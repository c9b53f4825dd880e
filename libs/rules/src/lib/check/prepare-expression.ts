import type { ExpressionNode } from '../ast/expression-node';
import type { AstCache } from '../cache/create-ast-cache';
import { RuleCheckError } from '../errors/rule-check-error';
import type { RuleIssue } from '../errors/rule-issue';
import { expandMacros } from '../macros/expand-macros';
import { createMacroRegistry, type MacroRegistry } from '../macros/macro-registry';
import type { RuleResolver } from '../resolver/rule-resolver';
import { parseExpression } from '../syntax/parse-expression';
import { resolveParseLimits, type ParseLimits } from '../syntax/parse-limits';
import { analyzeExpression, type Analysis } from './analyze-expression';

/** Where an expression is used: a collection rule or a user filter. */
export type ExpressionKind = 'rule' | 'filter';

/** Options shared by {@link prepareExpression}, `checkExpression` and `compileExpression`. */
export interface PrepareOptions {
  /** Decides which identifiers exist ({@link createRuleResolver} / {@link createFilterResolver}). */
  readonly resolver: RuleResolver;
  /** `filter` rejects macros; both require the expression to be a condition. */
  readonly kind: ExpressionKind;
  /** Macro registry (default: the built-ins only). */
  readonly macros?: MacroRegistry;
  /** Parse through this cache (its limits win over `limits`). */
  readonly cache?: AstCache;
  readonly limits?: Partial<ParseLimits>;
}

/** An expression that parsed, expanded and checked cleanly under one resolver. */
export interface PreparedExpression {
  /** The macro-expanded AST (feed it to `evaluate`). */
  readonly ast: ExpressionNode;
  readonly analysis: Analysis;
}

let builtinRegistry: MacroRegistry | undefined;

/** The registry holding only the built-in macros (immutable, created once). */
export function defaultMacroRegistry(): MacroRegistry {
  builtinRegistry ??= createMacroRegistry();
  return builtinRegistry;
}

/**
 * Parses (or takes) an expression, expands its macros and checks it against the resolver.
 * @throws {RuleSyntaxError} | {RuleLimitError} on unparsable or oversized text.
 * @throws {RuleCheckError} listing every problem when the expression is invalid here.
 */
export function prepareExpression(input: string | ExpressionNode, options: PrepareOptions): PreparedExpression {
  const { ast, issues } = analyzeInput(input, options);
  if (issues.length > 0) throw new RuleCheckError(issues);
  return ast;
}

/** Shared by prepare and check: every stage after parsing, collecting issues. */
export function analyzeInput(
  input: string | ExpressionNode,
  options: PrepareOptions,
): { readonly ast: PreparedExpression; readonly issues: readonly RuleIssue[] } {
  const limits = options.cache?.limits ?? resolveParseLimits(options.limits);
  const parsed = typeof input !== 'string' ? input : options.cache ? options.cache.parse(input) : parseExpression(input, limits);
  const expansion = expandMacros(parsed, {
    macros: options.macros ?? defaultMacroRegistry(),
    resolver: options.resolver,
    kind: options.kind,
    maxNodes: limits.maxNodes,
  });
  const analysis = analyzeExpression(expansion.ast, options.resolver, { reported: expansion.reported });
  const issues = [...expansion.issues, ...analysis.issues].sort((a, b) => a.position - b.position);
  return { ast: { ast: expansion.ast, analysis }, issues };
}
