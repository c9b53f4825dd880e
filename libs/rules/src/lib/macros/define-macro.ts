import { RuleCheckError } from '../errors/rule-check-error';
import { RuleError } from '../errors/rule-error';
import type { RuleIssue } from '../errors/rule-issue';
import { parseExpression } from '../syntax/parse-expression';
import type { ParseLimits } from '../syntax/parse-limits';
import type { UserMacro } from './macro-definition';

/** Input of {@link defineMacro}. */
export interface MacroSpec {
  /** Called as `@name(...)`; letters, digits and `_`, starting with a letter. */
  readonly name: string;
  /** Parameter names, used as bare identifiers in the body. */
  readonly params?: readonly string[];
  /** An expression in the rule language. */
  readonly body: string;
  readonly description?: string;
}

const NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const MAX_PARAMS = 8;

/**
 * Parses and validates a user-defined macro (name, parameters, body syntax). Whether the body's
 * macro calls exist, have the right arity and do not recurse is checked when it is added to a
 * registry ({@link MacroRegistry.define}); its fields are checked wherever it is used.
 * @example defineMacro({ name: 'is_member', params: ['team'], body: 'team = @request.auth.account_id' })
 * @throws {RuleCheckError} listing every problem.
 */
export function defineMacro(spec: MacroSpec, limits?: Partial<ParseLimits>): UserMacro {
  const issues: RuleIssue[] = [];
  const params = spec.params ?? [];
  if (!NAME.test(spec.name) || spec.name === 'request') {
    issues.push({ code: 'invalid_macro', message: `Invalid macro name '${spec.name}'`, position: 0 });
  }
  if (params.length > MAX_PARAMS) {
    issues.push({ code: 'invalid_macro', message: `A macro takes at most ${MAX_PARAMS} parameters`, position: 0 });
  }
  params.forEach((p, i) => {
    if (!NAME.test(p)) issues.push({ code: 'invalid_macro', message: `Invalid parameter name '${p}'`, position: 0 });
    if (params.indexOf(p) !== i) issues.push({ code: 'invalid_macro', message: `Duplicate parameter '${p}'`, position: 0 });
  });
  let body;
  try {
    body = parseExpression(spec.body, limits);
  } catch (e) {
    if (!(e instanceof RuleError)) throw e;
    issues.push({ code: e.code === 'syntax_error' ? 'syntax_error' : 'invalid_macro', message: e.message, position: e.position });
  }
  if (issues.length > 0 || !body) throw new RuleCheckError(issues);
  return Object.freeze({
    kind: 'user',
    name: spec.name,
    params: Object.freeze([...params]),
    body,
    source: spec.body,
    ...(spec.description === undefined ? {} : { description: spec.description }),
  });
}
