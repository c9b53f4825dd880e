import { performance } from 'node:perf_hooks';
import type { MacroResponse, MacroTestResponse } from '@snackbase/contract';
import type { SnackDatabase } from '@snackbase/db';
import {
  createRuleResolver,
  evaluate,
  expandMacros,
  prepareExpression,
  RuleCheckError,
  RuleError,
  type AuthContext,
  type CallNode,
  type LiteralNode,
  type LiteralValue,
  type MacroRegistry,
  type RuleIssue,
} from '@snackbase/rules';
import { accountScope, dynamicTenantTable, tenantTable } from '@snackbase/tenancy';
import { resolverFields } from '../access';
import type { CollectionCatalog } from '../collections';
import { invalidRequest, notFound } from '../errors';
import { formatExpression } from './format-expression';
import { createGenericResolver } from './generic-resolver';
import { invalidRule } from './macro-validation';

/** `POST /macros/{id}/test` body. */
export interface TestMacroInput {
  /** One value per parameter, passed as literals. */
  readonly parameters?: readonly LiteralValue[];
  readonly collection?: string;
  readonly record_id?: string;
  /** Evaluate as this user of `account_id` (default: anonymous). */
  readonly user_id?: string;
  readonly account_id?: string;
}

interface TestDeps {
  readonly db: SnackDatabase;
  readonly catalog: CollectionCatalog;
}

/**
 * Expands `@name(parameters…)` and, given a collection and a record, evaluates it in memory
 * against that record as the chosen user (spec §5.5 b, rebuilt for expression macros): the
 * record and the user are read through their account's tenant guard, so an id of another
 * account is a 404 like a missing one. Nothing is written.
 */
export async function testMacro(deps: TestDeps, registry: MacroRegistry, macro: MacroResponse, input: TestMacroInput): Promise<MacroTestResponse> {
  const started = performance.now();
  const params = input.parameters ?? [];
  if (params.length !== macro.parameters.length) {
    const message = `Expected ${macro.parameters.length} parameters, got ${params.length}`;
    throw invalidRequest([{ field: 'parameters', message, code: 'argument_count' }], message);
  }
  if (!registry.get(macro.name)) {
    throw invalidRule(`Macro '@${macro.name}' does not validate with the current macros`, [
      { field: 'sql_query', issue: { code: 'invalid_macro', message: `Macro '@${macro.name}' does not validate with the current macros`, position: 0 } },
    ]);
  }
  const call = callOf(macro.name, params);
  const target = targetOf(input);
  const auth = input.user_id && target.accountId ? await loadAuth(deps.db, target.accountId, input.user_id) : null;
  const elapsed = () => Math.round((performance.now() - started) * 1000) / 1000;
  if (!target.collection) {
    const expansion = expandMacros(call, { macros: registry, resolver: createGenericResolver({ groups: auth?.groups ?? [] }), kind: 'rule' });
    if (expansion.issues.length > 0) throw ruleProblems(expansion.issues);
    return { result: null, expanded: formatExpression(expansion.ast), execution_time: elapsed(), rows_affected: 0 };
  }
  const model = await deps.catalog.byName(target.collection);
  if (!model) throw notFound(`Collection '${target.collection}' not found`);
  const record = await dynamicTenantTable(deps.db.kysely, accountScope(target.accountId), model.tableName)
    .select()
    .selectAll()
    .where('id', '=', target.recordId)
    .executeTakeFirst();
  if (!record) throw notFound('Record not found');
  const resolver = createRuleResolver({ fields: resolverFields(model), auth, data: {} });
  let prepared;
  try {
    prepared = prepareExpression(call, { resolver, kind: 'rule', macros: registry });
  } catch (e) {
    if (e instanceof RuleCheckError) throw ruleProblems(e.issues);
    if (e instanceof RuleError) throw ruleProblems([{ code: 'invalid_macro', message: e.message, position: e.position }]);
    throw e;
  }
  const result = evaluate(prepared.ast, { record, auth, data: {} });
  return { result, expanded: formatExpression(prepared.ast), execution_time: elapsed(), rows_affected: 0 };
}

function ruleProblems(issues: readonly RuleIssue[]) {
  return invalidRule(`Macro does not apply here: ${issues[0]?.message ?? 'invalid'}`, issues.map((issue) => ({ field: 'sql_query', issue })));
}

/** `@name('a', 2, …)` as an AST (no text: argument values need no quoting). */
function callOf(name: string, params: readonly LiteralValue[]): CallNode {
  const args = params.map((value): LiteralNode => Object.freeze({ kind: 'literal', value, position: 0 }));
  return Object.freeze({ kind: 'call', name: `@${name}`, args: Object.freeze(args), position: 0 });
}

type Target = { collection: null; accountId: string | null } | { collection: string; recordId: string; accountId: string };

/** What to evaluate against; a record needs its collection and account (422 otherwise). */
function targetOf(input: TestMacroInput): Target {
  const missing = (field: string, why: string) => invalidRequest([{ field, message: `${field} is required ${why}`, code: 'required_missing' }], `${field} is required ${why}`);
  if (input.user_id && !input.account_id) throw missing('account_id', 'with user_id');
  if (input.collection === undefined && input.record_id === undefined) return { collection: null, accountId: input.account_id ?? null };
  if (!input.collection) throw missing('collection', 'with record_id');
  if (!input.record_id) throw missing('record_id', 'with collection');
  if (!input.account_id) throw missing('account_id', 'with collection');
  return { collection: input.collection, recordId: input.record_id, accountId: input.account_id };
}

/** The user as rules see them: id, email, role name, account and group names. */
async function loadAuth(db: SnackDatabase, accountId: string, userId: string): Promise<AuthContext> {
  const scope = accountScope(accountId);
  const user = await tenantTable(db.kysely, scope, 'users')
    .select()
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .select(['users.id', 'users.email', 'roles.name as role'])
    .where('users.id', '=', userId)
    .executeTakeFirst();
  if (!user) throw notFound('User not found');
  const groups = await tenantTable(db.kysely, scope, 'groups')
    .select()
    .innerJoin('users_groups', 'users_groups.group_id', 'groups.id')
    .select('groups.name')
    .where('users_groups.user_id', '=', userId)
    .execute();
  return Object.freeze({ id: user.id, email: user.email, role: user.role, account_id: accountId, groups: Object.freeze(groups.map((g) => g.name)) });
}
