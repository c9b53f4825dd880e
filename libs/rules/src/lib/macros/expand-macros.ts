import { freezeNode, type CallNode, type ExpressionNode } from '../ast/expression-node';
import { mapChildren } from '../ast/map-children';
import { RuleLimitError } from '../errors/rule-limit-error';
import type { RuleIssue, RuleIssueCode } from '../errors/rule-issue';
import type { RuleResolver } from '../resolver/rule-resolver';
import { isMacroFailure, type UserMacro } from './macro-definition';
import type { MacroRegistry } from './macro-registry';

/** Options of {@link expandMacros}. */
export interface ExpandOptions {
  readonly macros: MacroRegistry;
  readonly resolver: RuleResolver;
  /** Filters accept no macros (they would need `@request`). */
  readonly kind: 'rule' | 'filter';
  /** Maximum node count of the expanded tree (default 1000). */
  readonly maxNodes?: number;
}

/** The expanded AST plus the problems met; `reported` holds the nodes those problems refer to. */
export interface Expansion {
  readonly ast: ExpressionNode;
  readonly issues: readonly RuleIssue[];
  readonly reported: ReadonlySet<ExpressionNode>;
}

/**
 * Replaces every macro call (`@name(args)`, or bare `@name` for zero-argument macros) by its
 * expansion, on the AST. User macros substitute their arguments for their parameters and are
 * expanded again, up to the registry's `maxDepth`; nodes coming from a body take the call's
 * position. Problems are collected, never thrown, except a node-count overflow.
 * @throws {RuleLimitError} when the expansion exceeds `maxNodes`.
 */
export function expandMacros(ast: ExpressionNode, options: ExpandOptions): Expansion {
  const expander = new Expander(options);
  const expanded = expander.expand(ast, 0);
  return { ast: expanded, issues: expander.issues, reported: expander.reported };
}

class Expander {
  readonly issues: RuleIssue[] = [];
  readonly reported = new Set<ExpressionNode>();
  private nodes = 0;
  private readonly maxNodes: number;

  constructor(private readonly options: ExpandOptions) {
    this.maxNodes = options.maxNodes ?? 1000;
  }

  expand(node: ExpressionNode, depth: number): ExpressionNode {
    if (this.reported.has(node)) return node;
    this.count(node.position);
    if (node.kind === 'identifier' && isMacroName(node.name) && this.options.macros.get(node.name.slice(1))) {
      return this.expandCall(freezeNode({ kind: 'call', name: node.name, args: [], position: node.position }), depth);
    }
    const withChildren = mapChildren(node, (child) => this.expand(child, depth));
    if (withChildren.kind === 'call' && withChildren.name.startsWith('@')) return this.expandCall(withChildren, depth);
    return withChildren;
  }

  private expandCall(call: CallNode, depth: number): ExpressionNode {
    const name = call.name.slice(1);
    if (this.options.kind === 'filter') return this.fail(call, 'macro_not_allowed', `Macros are not allowed in filters: ${call.name}`);
    const macro = this.options.macros.get(name);
    if (!macro) return this.fail(call, 'unknown_macro', `Unknown macro '${call.name}'. Available: ${this.options.macros.names().map((n) => `@${n}`).join(', ')}`);
    const [min, max] = macro.kind === 'user' ? [macro.params.length, macro.params.length] : [macro.minArgs, macro.maxArgs];
    if (call.args.length < min || call.args.length > max) {
      const expected = min === max ? `${min}` : `${min} to ${max}`;
      return this.fail(call, 'argument_count', `Macro '${call.name}' expects ${expected} argument(s), got ${call.args.length}`);
    }
    if (macro.kind === 'builtin') {
      const result = macro.expand(call.args, { resolver: this.options.resolver, call });
      if (!isMacroFailure(result)) return result;
      this.issues.push({ code: result.code, message: result.message, position: (result.node ?? call).position });
      this.reported.add(call);
      return call;
    }
    if (depth >= this.options.macros.maxDepth) {
      return this.fail(call, 'macro_recursion', `Macro expansion deeper than ${this.options.macros.maxDepth} levels at '${call.name}'`);
    }
    return this.expand(this.substitute(macro, call), depth + 1);
  }

  private substitute(macro: UserMacro, call: CallNode): ExpressionNode {
    const args = new Map(macro.params.map((p, i) => [p, call.args[i]] as const));
    const visit = (node: ExpressionNode): ExpressionNode => {
      if (node.kind === 'identifier') {
        const arg = args.get(node.name);
        if (arg) return arg;
      }
      const mapped = mapChildren(node, visit);
      return freezeNode({ ...mapped, position: call.position });
    };
    return visit(macro.body);
  }

  private fail(call: CallNode, code: RuleIssueCode, message: string): ExpressionNode {
    this.issues.push({ code, message, position: call.position });
    this.reported.add(call);
    return call;
  }

  private count(position: number): void {
    if (++this.nodes > this.maxNodes) throw new RuleLimitError('too_many_nodes', this.maxNodes, position);
  }
}

function isMacroName(name: string): boolean {
  return name.startsWith('@') && !name.startsWith('@request.') && !name.includes('.');
}
