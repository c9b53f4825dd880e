import { checkExpression, matches, parseExpression, type AstCache, type FieldDefinition, type RuleIssue, type RuleResolver } from '@snackbase/rules';

/** Issues that need field types; without the collection's schema they cannot be judged at save time. */
const TYPE_ISSUES = new Set(['type_mismatch', 'operator_not_allowed', 'not_a_condition']);

/**
 * Event payload fields are not known when the collection's schema is not (the collection name
 * is not validated, spec §10.10): any plain identifier is a field, `@` variables never are.
 */
const anyFieldResolver: RuleResolver = {
  resolve(name) {
    if (name.startsWith('@')) return { kind: 'rejected', code: 'context_not_allowed', message: `Context variables are not allowed in webhook filters: ${name}` };
    return { kind: 'column', column: name, fieldType: 'text' };
  },
};

function fieldResolver(fields: readonly FieldDefinition[]): RuleResolver {
  const types = new Map(fields.map((f) => [f.name, f.type]));
  return {
    resolve(name) {
      if (name.startsWith('@')) return { kind: 'rejected', code: 'context_not_allowed', message: `Context variables are not allowed in webhook filters: ${name}` };
      const type = types.get(name);
      if (!type) return { kind: 'rejected', code: 'unknown_field', message: `Field '${name}' does not exist. Available fields: ${[...types.keys()].join(', ')}` };
      return { kind: 'column', column: name, fieldType: type };
    },
  };
}

/**
 * Problems of a webhook filter (empty = valid), checked with the rule language's checker.
 * With `fields` (the event payload's fields, when the collection's schema is known) it is fully
 * type-checked; without, syntax, limits and `@` variables are checked and types are left to
 * evaluation (a type mismatch is then UNKNOWN, i.e. no match).
 */
export function checkWebhookFilter(filter: string, fields?: readonly FieldDefinition[]): readonly RuleIssue[] {
  const issues = checkExpression(filter, { resolver: fields ? fieldResolver(fields) : anyFieldResolver, kind: 'filter' });
  return fields ? issues : issues.filter((i) => !TYPE_ISSUES.has(i.code));
}

/**
 * Whether an event passes a filter, evaluated in memory against the event's record (for a
 * delete: the deleted row). Blank = every event. A filter that cannot be evaluated lets the
 * event through (spec §10.10); filters are checked when saved, so that is a stale one.
 */
export function filterMatches(filter: string | null, record: Readonly<Record<string, unknown>>, cache?: AstCache): boolean {
  if (!filter || !filter.trim()) return true;
  try {
    return matches(cache ? cache.parse(filter) : parseExpression(filter), { record });
  } catch {
    return true;
  }
}
