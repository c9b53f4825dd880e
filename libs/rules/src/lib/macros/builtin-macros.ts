import { freezeNode, type ExpressionNode } from '../ast/expression-node';
import type { BuiltinMacro, MacroContext, MacroFailure } from './macro-definition';

const node = <T extends ExpressionNode>(n: T): T => freezeNode(n);
const ident = (name: string, position: number): ExpressionNode => node({ kind: 'identifier', name, position });
const literal = (value: string | boolean, position: number): ExpressionNode => node({ kind: 'literal', value, position });

function stringArg(args: readonly ExpressionNode[], i: number, macro: string, example: string): string | MacroFailure {
  const arg = args[i];
  if (arg.kind === 'literal' && typeof arg.value === 'string') return arg.value;
  return { code: 'argument_type', message: `Argument ${i + 1} of @${macro} must be a string literal, e.g. ${example}`, node: arg };
}

function ownerEquals(field: ExpressionNode, ctx: MacroContext): ExpressionNode {
  const at = ctx.call.position;
  return node({ kind: 'comparison', operator: '=', left: field, right: ident('@request.auth.id', at), position: at });
}

const ownsRecord = (name: string, maxArgs: number): BuiltinMacro => ({
  kind: 'builtin',
  name,
  minArgs: 0,
  maxArgs,
  description: maxArgs ? `@${name}() or @${name}(field): the field (default created_by) is the caller's id` : `created_by is the caller's id`,
  expand(args, ctx) {
    if (args.length === 0) return ownerEquals(ident('created_by', ctx.call.position), ctx);
    const field = args[0];
    if (field.kind !== 'identifier' || field.name.startsWith('@')) {
      return { code: 'argument_type', message: `Argument 1 of @${name} must be a field name, e.g. @${name}(owner_id)`, node: field };
    }
    return ownerEquals(field, ctx);
  },
});

const hasRole: BuiltinMacro = {
  kind: 'builtin',
  name: 'has_role',
  minArgs: 1,
  maxArgs: 1,
  description: "@has_role('admin'): the caller's role is the given one",
  expand(args, ctx) {
    const role = stringArg(args, 0, 'has_role', "@has_role('admin')");
    if (typeof role !== 'string') return role;
    const at = ctx.call.position;
    return node({ kind: 'comparison', operator: '=', left: ident('@request.auth.role', at), right: args[0], position: at });
  },
};

const hasGroup: BuiltinMacro = {
  kind: 'builtin',
  name: 'has_group',
  minArgs: 1,
  maxArgs: 1,
  description: "@has_group('editors'): the caller belongs to the group",
  expand(args, ctx) {
    const group = stringArg(args, 0, 'has_group', "@has_group('editors')");
    if (typeof group !== 'string') return group;
    if (!ctx.resolver.hasGroup) return unavailable('has_group');
    return literal(ctx.resolver.hasGroup(group), ctx.call.position);
  },
};

const hasPermission: BuiltinMacro = {
  kind: 'builtin',
  name: 'has_permission',
  minArgs: 2,
  maxArgs: 2,
  description: "@has_permission('read', 'posts'): the resolver's permission callback allows it",
  expand(args, ctx) {
    const action = stringArg(args, 0, 'has_permission', "@has_permission('read', 'posts')");
    if (typeof action !== 'string') return action;
    const collection = stringArg(args, 1, 'has_permission', "@has_permission('read', 'posts')");
    if (typeof collection !== 'string') return collection;
    if (!ctx.resolver.hasPermission) return unavailable('has_permission');
    return literal(ctx.resolver.hasPermission(action, collection), ctx.call.position);
  },
};

const inTimeRange: BuiltinMacro = {
  kind: 'builtin',
  name: 'in_time_range',
  minArgs: 2,
  maxArgs: 2,
  description: "@in_time_range(start, end): start <= request time < end (ISO strings or datetime fields)",
  expand(args, ctx) {
    for (const arg of args) {
      const ok = (arg.kind === 'literal' && typeof arg.value === 'string') || (arg.kind === 'identifier' && !arg.name.startsWith('@'));
      if (!ok) return { code: 'argument_type', message: '@in_time_range takes ISO datetime strings or datetime fields', node: arg };
    }
    if (!ctx.resolver.now) return unavailable('in_time_range');
    const at = ctx.call.position;
    const now = literal(ctx.resolver.now(), at);
    const after = node({ kind: 'comparison', operator: '<=', left: args[0], right: now, position: at });
    const before = node({ kind: 'comparison', operator: '<', left: now, right: args[1], position: at });
    return node({ kind: 'logical', operator: '&&', operands: [after, before], position: at });
  },
};

function unavailable(name: string): MacroFailure {
  return { code: 'macro_not_allowed', message: `@${name} is not available in this context` };
}

/**
 * The built-in macros: `@has_role(name)`, `@has_group(name)`, `@owns_record()`,
 * `@owns_record(field)`, `@is_creator()`, `@in_time_range(start, end)` and
 * `@has_permission(action, collection)`. Each expands on the AST (never by text substitution).
 */
export const BUILTIN_MACROS: readonly BuiltinMacro[] = Object.freeze([
  hasRole,
  hasGroup,
  ownsRecord('owns_record', 1),
  ownsRecord('is_creator', 0),
  inTimeRange,
  hasPermission,
]);
