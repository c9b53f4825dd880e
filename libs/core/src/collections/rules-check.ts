import type { ErrorDetail } from '@snackbase/contract';
import { checkExpression, createRuleResolver, type FieldDefinition, type MacroRegistry, type RuleIssue } from '@snackbase/rules';
import { RESERVED_FIELD_NAMES } from './collection-validation';
import { RULE_OPERATIONS, type CollectionField, type CollectionRules, type FieldListOperation } from './collection-model';

const FIELD_LIST_OPERATIONS: readonly FieldListOperation[] = ['list', 'view', 'create', 'update'];

/** Only create and update rules see the request body (`@request.data.*`, spec §12.2 item 20). */
const SEES_DATA = new Set(['create', 'update']);

function issuesOf(text: string, fields: readonly FieldDefinition[], withData: boolean, macros: MacroRegistry | undefined): readonly RuleIssue[] {
  try {
    return checkExpression(text, { resolver: createRuleResolver({ fields, ...(withData ? { data: {} } : {}) }), kind: 'rule', macros });
  } catch (e) {
    return [{ code: 'syntax_error', message: (e as Error).message, position: 0 }];
  }
}

/** The problems of a field list: `*` or a JSON array of names of the collection's fields. */
function fieldListProblems(key: string, value: string, fields: readonly CollectionField[]): ErrorDetail[] {
  if (value === '*') return [];
  let names: unknown;
  try {
    names = JSON.parse(value);
  } catch {
    names = undefined;
  }
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) {
    return [{ field: key, code: 'invalid_field_list', message: `${key} must be "*" or a JSON array of field names` }];
  }
  const known = new Set([...fields.map((f) => f.name), ...RESERVED_FIELD_NAMES]);
  return (names as string[])
    .filter((n) => !known.has(n))
    .map((n) => ({ field: key, code: 'unknown_field', message: `${key} names '${n}', which is not a field of the collection` }));
}

/**
 * Every problem of a collection's rules against its fields (spec §5.6, checked on create as
 * well, unlike the reference): each non-empty rule through the rule checker with the macro
 * registry (`@request.data.*` only in create/update rules; `updated_by` is a system field,
 * §12.2 item 21), each field list against the schema. Empty list = valid.
 */
export function rulesProblems(rules: CollectionRules, fields: readonly CollectionField[], macros?: MacroRegistry): ErrorDetail[] {
  const stored = fields.filter((f) => f.type !== 'computed').map((f) => ({ name: f.name, type: f.type as FieldDefinition['type'] }));
  const out: ErrorDetail[] = [];
  for (const op of RULE_OPERATIONS) {
    const key = `${op}_rule` as const;
    const text = rules[key];
    if (text === null || text.trim() === '') continue;
    for (const issue of issuesOf(text, stored, SEES_DATA.has(op), macros)) {
      out.push({ field: key, code: issue.code, message: `${issue.message} (at position ${issue.position})` });
    }
  }
  for (const op of FIELD_LIST_OPERATIONS) {
    const key = `${op}_fields` as const;
    out.push(...fieldListProblems(key, rules[key], fields));
  }
  return out;
}
