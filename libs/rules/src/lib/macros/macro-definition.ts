import type { CallNode, ExpressionNode } from '../ast/expression-node';
import type { RuleIssueCode } from '../errors/rule-issue';
import type { RuleResolver } from '../resolver/rule-resolver';

/** What a built-in macro sees when it expands: the resolver of this use and the call site. */
export interface MacroContext {
  readonly resolver: RuleResolver;
  readonly call: CallNode;
}

/** A built-in macro's refusal to expand (bad argument, missing resolver callback, …). */
export interface MacroFailure {
  readonly code: RuleIssueCode;
  readonly message: string;
  /** The node to point at (defaults to the call). */
  readonly node?: ExpressionNode;
}

/** A macro implemented in code: it turns its argument nodes into an expression node. */
export interface BuiltinMacro {
  readonly kind: 'builtin';
  readonly name: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  readonly description: string;
  expand(args: readonly ExpressionNode[], ctx: MacroContext): ExpressionNode | MacroFailure;
}

/**
 * A user-defined macro: a named, parameterised expression in the rule language. Inside `body`
 * an identifier equal to a parameter name stands for the corresponding argument.
 */
export interface UserMacro {
  readonly kind: 'user';
  readonly name: string;
  readonly params: readonly string[];
  readonly body: ExpressionNode;
  /** The body text as written (for storage and display). */
  readonly source: string;
  readonly description?: string;
}

/** Any macro a {@link MacroRegistry} holds. */
export type MacroDefinition = BuiltinMacro | UserMacro;

/** Whether a built-in's result is a failure rather than a node. */
export function isMacroFailure(value: ExpressionNode | MacroFailure): value is MacroFailure {
  return !('kind' in value);
}
