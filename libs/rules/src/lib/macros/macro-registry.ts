import { childrenOf } from '../ast/map-children';
import type { ExpressionNode } from '../ast/expression-node';
import { RuleCheckError } from '../errors/rule-check-error';
import type { RuleIssue } from '../errors/rule-issue';
import { BUILTIN_MACROS } from './builtin-macros';
import type { MacroDefinition, UserMacro } from './macro-definition';

/**
 * An immutable set of macros, passed to the checker, compiler and evaluator pipeline.
 * `define` returns a new registry and rejects a macro that calls unknown macros, passes the
 * wrong number of arguments, shadows a built-in or makes the call graph recursive.
 */
export interface MacroRegistry {
  /** Looks a macro up by name (without the `@`). */
  get(name: string): MacroDefinition | undefined;
  /** All macro names. */
  names(): readonly string[];
  /** Maximum nesting of user macro expansions (default 8). */
  readonly maxDepth: number;
  /** A registry with `macro` added (or replaced, for user macros). @throws {RuleCheckError} */
  define(macro: UserMacro): MacroRegistry;
  /** The problems `define(macro)` would reject, without throwing (for a macro editor). */
  validate(macro: UserMacro): readonly RuleIssue[];
}

/** Options of {@link createMacroRegistry}. */
export interface MacroRegistryOptions {
  /** User macros to start with (validated in order). */
  readonly macros?: readonly UserMacro[];
  /** Include the built-ins (default true). */
  readonly builtins?: boolean;
  /** Maximum nesting of user macro expansions (default 8). */
  readonly maxDepth?: number;
}

/**
 * Creates a macro registry holding the built-ins and the given user macros.
 * @example
 * const macros = createMacroRegistry().define(defineMacro({ name: 'published', body: "status = 'published'" }));
 */
export function createMacroRegistry(options: MacroRegistryOptions = {}): MacroRegistry {
  const map = new Map<string, MacroDefinition>();
  if (options.builtins !== false) for (const m of BUILTIN_MACROS) map.set(m.name, m);
  let registry = build(map, options.maxDepth ?? 8);
  for (const macro of options.macros ?? []) registry = registry.define(macro);
  return registry;
}

function build(map: ReadonlyMap<string, MacroDefinition>, maxDepth: number): MacroRegistry {
  const registry: MacroRegistry = {
    maxDepth,
    get: (name) => map.get(name),
    names: () => [...map.keys()],
    validate: (macro) => validateMacro(macro, map),
    define(macro) {
      const issues = validateMacro(macro, map);
      if (issues.length > 0) throw new RuleCheckError(issues);
      return build(new Map(map).set(macro.name, macro), maxDepth);
    },
  };
  return Object.freeze(registry);
}

function validateMacro(macro: UserMacro, map: ReadonlyMap<string, MacroDefinition>): RuleIssue[] {
  if (map.get(macro.name)?.kind === 'builtin') {
    return [{ code: 'invalid_macro', message: `'@${macro.name}' is a built-in macro`, position: 0 }];
  }
  const next = new Map(map).set(macro.name, macro);
  const issues: RuleIssue[] = [];
  for (const call of macroCalls(macro.body)) {
    const target = next.get(call.name);
    if (!target) {
      issues.push({ code: 'unknown_macro', message: `Unknown macro '@${call.name}'`, position: call.position });
    } else if (call.args !== arity(target) && !(target.kind === 'builtin' && call.args >= target.minArgs && call.args <= target.maxArgs)) {
      issues.push({ code: 'argument_count', message: `Macro '@${call.name}' expects ${describeArity(target)} argument(s), got ${call.args}`, position: call.position });
    }
  }
  if (reaches(macro.name, macro.name, next, new Set())) {
    issues.push({ code: 'macro_recursion', message: `Macro '@${macro.name}' calls itself (directly or through other macros)`, position: 0 });
  }
  return issues;
}

interface MacroCallSite {
  readonly name: string;
  readonly args: number;
  readonly position: number;
}

/** The macro calls (`@name(...)` and bare `@name`) inside an expression. */
function macroCalls(node: ExpressionNode, out: MacroCallSite[] = []): MacroCallSite[] {
  if (node.kind === 'call' && node.name.startsWith('@')) {
    out.push({ name: node.name.slice(1), args: node.args.length, position: node.position });
  } else if (node.kind === 'identifier' && node.name.startsWith('@') && !node.name.startsWith('@request.')) {
    out.push({ name: node.name.slice(1), args: 0, position: node.position });
  }
  for (const child of childrenOf(node)) macroCalls(child, out);
  return out;
}

function reaches(from: string, target: string, map: ReadonlyMap<string, MacroDefinition>, seen: Set<string>): boolean {
  const macro = map.get(from);
  if (!macro || macro.kind !== 'user' || seen.has(from)) return false;
  seen.add(from);
  return macroCalls(macro.body).some((c) => c.name === target || reaches(c.name, target, map, seen));
}

function arity(macro: MacroDefinition): number {
  return macro.kind === 'user' ? macro.params.length : macro.minArgs;
}

function describeArity(macro: MacroDefinition): string {
  if (macro.kind === 'user') return String(macro.params.length);
  return macro.minArgs === macro.maxArgs ? String(macro.minArgs) : `${macro.minArgs} to ${macro.maxArgs}`;
}
