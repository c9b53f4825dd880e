import type { ErrorDetail, MacroResponse } from '@snackbase/contract';
import {
  BUILTIN_MACROS,
  checkExpression,
  createRuleResolver,
  defineMacro,
  RuleCheckError,
  RuleError,
  type MacroRegistry,
  type RuleIssue,
  type UserMacro,
} from '@snackbase/rules';
import { resolverFields } from '../access';
import { RULE_OPERATIONS, ruleOf, type CollectionModel } from '../collections';
import { AppError, invalidRequest } from '../errors';
import { createGenericResolver, TYPE_DEPENDENT_ISSUES } from './generic-resolver';
import { buildRegistry } from './stored-macros';

/** A macro as it is about to be stored. */
export interface MacroDraft {
  readonly name: string;
  readonly description: string | null;
  /** The expression text (`sql_query` on the wire). */
  readonly body: string;
  readonly params: readonly string[];
}

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const MAX_PARAMS = 8;
const BUILTIN_NAMES: ReadonlySet<string> = new Set(BUILTIN_MACROS.map((m) => m.name));

/**
 * Name and parameter names (422, as the reference's invalid names): identifiers a rule can call
 * (`@name(...)`), not `request`, not a built-in's name, parameters unique.
 */
export function assertMacroShape(draft: MacroDraft): void {
  const details: ErrorDetail[] = [];
  if (!IDENTIFIER.test(draft.name) || draft.name === 'request') {
    details.push({ field: 'name', message: 'Macro name must be a valid identifier (a letter, then letters, digits or _; at most 64)', code: 'invalid_name' });
  } else if (BUILTIN_NAMES.has(draft.name)) {
    details.push({ field: 'name', message: `'@${draft.name}' is a built-in macro`, code: 'reserved_name' });
  }
  if (draft.params.length > MAX_PARAMS) details.push({ field: 'parameters', message: `A macro takes at most ${MAX_PARAMS} parameters`, code: 'too_many' });
  draft.params.forEach((p, i) => {
    if (!IDENTIFIER.test(p)) details.push({ field: `parameters.${i}`, message: `Invalid parameter name '${p}'`, code: 'invalid_name' });
    else if (draft.params.indexOf(p) !== i) details.push({ field: `parameters.${i}`, message: `Duplicate parameter '${p}'`, code: 'duplicate' });
  });
  if (details.length > 0) throw invalidRequest(details, details[0].message);
}

/** 400 `invalid_rule` listing every problem; `field` names where each one is. */
export function invalidRule(message: string, problems: readonly { field: string; issue: RuleIssue }[]): AppError {
  const details = problems.map(({ field, issue }) => ({ field, message: `${issue.message} at position ${issue.position}`, code: issue.code }));
  return new AppError(400, 'invalid_rule', 'Invalid rule', message, details);
}

/**
 * Checks a macro against the stored ones (`stored`, the row being updated included under its id
 * `selfId`) and the collection rules that use macros:
 * - the body parses, expands and checks as a rule expression for a generic collection;
 * - its calls exist, have the right arity and do not recurse (the registry's checks);
 * - no stored macro and no collection rule that validates today stops validating with it.
 * @returns the macro as the rules library defines it. @throws AppError 400 `invalid_rule`.
 */
export function validateMacro(draft: MacroDraft, stored: readonly MacroResponse[], selfId: number | null, models: readonly CollectionModel[]): UserMacro {
  const macro = defineBody(draft);
  // Against today's macros (this one replaced): unknown calls, arity, recursion.
  const before = buildRegistry(stored);
  const own = before.validate(macro);
  if (own.length > 0) throw invalidRule(`Invalid macro body: ${own[0].message}`, own.map((issue) => ({ field: 'sql_query', issue })));
  const skipped = new Map<string, string>();
  const after = buildRegistry([...stored.filter((m) => m.id !== selfId), asStored(draft, selfId)], (name, reason) => skipped.set(name, reason));
  const selfProblem = skipped.get(draft.name);
  if (selfProblem !== undefined) {
    throw invalidRule(`Invalid macro body: ${selfProblem}`, [{ field: 'sql_query', issue: { code: 'invalid_macro', message: selfProblem, position: 0 } }]);
  }
  const bodyIssues = checkExpression(draft.body, { resolver: createGenericResolver(), kind: 'rule', macros: after }).filter((i) => !TYPE_DEPENDENT_ISSUES.has(i.code));
  if (bodyIssues.length > 0) throw invalidRule(`Invalid macro body: ${bodyIssues[0].message}`, bodyIssues.map((issue) => ({ field: 'sql_query', issue })));
  const broken = [...skipped].filter(([name]) => name !== draft.name && before.get(name)?.kind === 'user');
  if (broken.length > 0) {
    const problems = broken.map(([name, reason]) => ({ field: `macros.${name}`, issue: { code: 'invalid_macro' as const, message: `Macro '@${name}' would no longer validate: ${reason}`, position: 0 } }));
    throw invalidRule(problems[0].issue.message, problems);
  }
  const ruleProblems = brokenRules(models, before, after);
  if (ruleProblems.length > 0) throw invalidRule(`A collection rule would no longer validate: ${ruleProblems[0].issue.message}`, ruleProblems);
  return macro;
}

function defineBody(draft: MacroDraft): UserMacro {
  try {
    return defineMacro({ name: draft.name, params: draft.params, body: draft.body });
  } catch (e) {
    if (!(e instanceof RuleError)) throw e;
    const issues: readonly RuleIssue[] = e instanceof RuleCheckError ? e.issues : [{ code: 'syntax_error', message: e.message, position: e.position }];
    throw invalidRule(`Invalid macro body: ${e.message}`, issues.map((issue) => ({ field: 'sql_query', issue })));
  }
}

function asStored(draft: MacroDraft, selfId: number | null): MacroResponse {
  return { id: selfId ?? -1, name: draft.name, description: draft.description, sql_query: draft.body, parameters: draft.params, created_at: '', updated_at: '', created_by: null };
}

/** Rules that check cleanly with the current macros but not with `after`. */
function brokenRules(models: readonly CollectionModel[], before: MacroRegistry, after: MacroRegistry): { field: string; issue: RuleIssue }[] {
  const problems: { field: string; issue: RuleIssue }[] = [];
  for (const model of models) {
    for (const op of RULE_OPERATIONS) {
      const rule = ruleOf(model.rules, op);
      if (!rule || !rule.includes('@')) continue;
      const resolver = createRuleResolver({ fields: resolverFields(model), data: op === 'create' || op === 'update' ? {} : undefined });
      if (checkExpression(rule, { resolver, kind: 'rule', macros: before }).length > 0) continue;
      const issues = checkExpression(rule, { resolver, kind: 'rule', macros: after });
      for (const issue of issues) problems.push({ field: `collections.${model.name}.${op}_rule`, issue: { ...issue, message: `${model.name}.${op}_rule: ${issue.message}` } });
    }
  }
  return problems;
}

/** How many collection rules call `@name` (as `@name(...)` or bare `@name`). */
export function rulesUsing(models: readonly CollectionModel[], name: string): number {
  const pattern = callPattern(name);
  let count = 0;
  for (const model of models) for (const op of RULE_OPERATIONS) if (pattern.test(ruleOf(model.rules, op) ?? '')) count += 1;
  return count;
}

/** The stored macros whose bodies call `@name`. */
export function macrosUsing(stored: readonly MacroResponse[], name: string): string[] {
  const pattern = callPattern(name);
  return stored.filter((m) => m.name !== name && pattern.test(m.sql_query)).map((m) => m.name);
}

/** `@name` not followed by more of an identifier (so `@owner` does not match `@owners`). */
function callPattern(name: string): RegExp {
  return new RegExp(`@${name.replace(/[^A-Za-z0-9_]/g, '\\$&')}(?![A-Za-z0-9_.])`);
}
