import { sql } from 'kysely';
import { accountScope, tenantTable } from '@snackbase/tenancy';
import type { AstCache } from '@snackbase/rules';
import { parseFieldList, seesPii, type RuleCaller, type RuleGate } from '../access';
import { SYSTEM_ACCOUNT_ID } from '../accounts';
import { fieldListOf, ruleOf, RULE_OPERATIONS, type CollectionModel, type RuleOperation } from '../collections';
import type { RequestContext } from '../context';
import { AppError, forbidden, invalidRequest, notFound } from '../errors';
import { readableFields } from './readable-fields';
import { compileFilter } from './record-filter';
import { gatedSelect, whereAll } from './record-select';
import type { RecordsDeps } from './records-deps';

/** `POST /collections/{name}/rules/explain` body: whose access to what. */
export interface ExplainInput {
  readonly operation: RuleOperation;
  /** The user to explain for; null or absent = an anonymous caller. */
  readonly user_id?: string | null;
  readonly account_id: string;
  readonly record_id?: string;
  readonly filter?: string;
}

/** How the rule decides, the SQL it runs and, for a record, whether that record passes. */
export interface ExplainResult {
  readonly operation: RuleOperation;
  readonly decided_by: 'superadmin' | 'public' | 'locked' | 'rule';
  readonly rule: string | null;
  /** The statement the operation's row check runs (null when nothing would run). */
  readonly sql: string | null;
  readonly parameters: readonly unknown[];
  /** With `record_id`: whether that record passes; else whether the operation is open at all. */
  readonly allowed: boolean;
  /** Why it is denied, when it is. */
  readonly reason: string | null;
  readonly hidden_fields: readonly string[];
  readonly masked_fields: readonly string[];
}

async function callerFor(deps: RecordsDeps, accountId: string, userId: string | null | undefined): Promise<RuleCaller> {
  if (!userId) return { auth: null, isSuperadmin: false, groups: [] };
  const user = await tenantTable(deps.db.kysely, accountScope(accountId), 'users')
    .select()
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .select(['users.id', 'users.email', 'roles.name as role'])
    .where('users.id', '=', userId)
    .executeTakeFirst();
  if (!user) throw notFound('User not found in that account');
  // The same path a real request of that user takes, groups included.
  const ctx: RequestContext = {
    principal: { kind: 'user', userId: user.id, accountId, email: user.email, role: user.role, sessionId: 'explain', isSuperadmin: accountId === SYSTEM_ACCOUNT_ID },
    requestId: 'explain',
  };
  return deps.gates.callerOf(ctx);
}

function fieldsOf(model: CollectionModel, caller: RuleCaller, op: RuleOperation) {
  if (caller.isSuperadmin) return { hidden: [], masked: [] };
  const list = op === 'delete' ? '*' : parseFieldList(fieldListOf(model.rules, op));
  return {
    hidden: list === '*' ? [] : model.fields.map((f) => f.name).filter((n) => !list.includes(n)),
    masked: seesPii(caller) ? [] : model.fields.filter((f) => f.pii).map((f) => f.name),
  };
}

/**
 * Explains a collection rule for one user (superadmins only): which branch decides, the exact
 * SQL and parameters of the row check (compiled with Kysely, never executed text), and with
 * `record_id` whether that record passes it in the user's account.
 */
export async function explainRule(deps: RecordsDeps, cache: AstCache, ctx: RequestContext, collection: string, input: ExplainInput): Promise<ExplainResult> {
  if (ctx.principal.kind !== 'user' || !ctx.principal.isSuperadmin) throw forbidden('Superadmin access required');
  if (!RULE_OPERATIONS.includes(input.operation)) throw invalidRequest([{ field: 'body.operation', message: `must be one of ${RULE_OPERATIONS.join(', ')}`, code: 'enum' }]);
  const model = await deps.catalog.byName(collection);
  if (!model) throw new AppError(404, 'not_found', 'Collection not found', `Collection '${collection.slice(0, 64)}' does not exist`);
  const account = await deps.db.kysely.selectFrom('accounts').select('id').where('id', '=', input.account_id).executeTakeFirst();
  if (!account) throw notFound('Account not found');
  const caller = await callerFor(deps, input.account_id, input.user_id);
  const rule = ruleOf(model.rules, input.operation);
  const decidedBy = caller.isSuperadmin ? 'superadmin' : rule === null ? 'locked' : rule.trim() === '' ? 'public' : 'rule';
  const { hidden, masked } = fieldsOf(model, caller, input.operation);
  const base = { operation: input.operation, decided_by: decidedBy, rule, hidden_fields: hidden, masked_fields: masked } as const;

  let gate: RuleGate;
  try {
    gate = await deps.gates.gate(caller, model, input.operation, { tableAlias: model.tableName });
  } catch (e) {
    if (e instanceof AppError && e.status < 500) return { ...base, sql: null, parameters: [], allowed: false, reason: e.message };
    throw e;
  }
  const scope = accountScope(input.account_id);
  const filter = input.filter ? compileFilter(input.filter, model, readableFields(model, caller, 'list'), { dialect: deps.db.dialect, tableAlias: model.tableName, cache }) : undefined;
  let qb = whereAll(gatedSelect(deps.db, scope, model, gate), [filter]).select(sql.ref(`${model.tableName}.id`).as('id'));
  if (input.record_id !== undefined) qb = qb.where(`${model.tableName}.id`, '=', input.record_id);
  const compiled = qb.compile();
  const allowed = input.record_id === undefined ? true : (await qb.executeTakeFirst()) !== undefined;
  return {
    ...base,
    sql: compiled.sql,
    parameters: compiled.parameters,
    allowed,
    reason: allowed ? null : 'The record does not exist in that account or does not satisfy the rule',
  };
}
