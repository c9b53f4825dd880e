import { AUTH_VARIABLES, type Resolution, type RuleResolver } from '@snackbase/rules';

const FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The resolver a macro body is checked with when it is saved: it belongs to no collection, so
 * any bare field name is accepted (as a text column); `@request.auth.<known>` and
 * `@request.data.<field>` are values. Field types are only known where a macro is used, so
 * type-level findings are left to that check (see {@link TYPE_DEPENDENT_ISSUES}).
 */
export function createGenericResolver(options: { readonly groups?: readonly string[] } = {}): RuleResolver {
  const groups = options.groups ?? [];
  return {
    resolve: resolveGeneric,
    hasGroup: (group) => groups.includes(group),
    now: () => new Date().toISOString(),
  };
}

function resolveGeneric(name: string): Resolution {
  if (name.startsWith('@request.auth.')) {
    const key = name.slice('@request.auth.'.length);
    if (!AUTH_VARIABLES.includes(key)) {
      return { kind: 'rejected', code: 'unknown_variable', message: `Unknown variable '${name}'. Available: ${AUTH_VARIABLES.map((v) => `@request.auth.${v}`).join(', ')}` };
    }
    return { kind: 'value', value: null, fieldType: 'text' };
  }
  if (name.startsWith('@request.data.')) {
    const key = name.slice('@request.data.'.length);
    if (!FIELD.test(key)) return { kind: 'rejected', code: 'unknown_field', message: `'${name}' does not name a field` };
    return { kind: 'value', value: null, fieldType: 'text' };
  }
  if (name.startsWith('@')) return { kind: 'rejected', code: 'unknown_variable', message: `Unknown variable or macro '${name}'` };
  if (!FIELD.test(name)) return { kind: 'rejected', code: 'unknown_field', message: `'${name}' is not a valid field name` };
  return { kind: 'column', column: name, fieldType: 'text' };
}

/**
 * Findings that depend on the types of the fields and arguments a macro meets where it is used
 * (every field here is "text"); the rule that uses the macro is checked with the collection's
 * real fields when it is saved and when it runs.
 */
export const TYPE_DEPENDENT_ISSUES: ReadonlySet<string> = new Set(['type_mismatch', 'operator_not_allowed', 'not_a_condition', 'argument_type']);
