import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import type { SnackDatabase } from '@snackbase/db';
import type { AstCache } from '@snackbase/rules';
import type { RuleCaller, RuleGate } from '../access';
import type { CollectionModel } from '../collections';
import type { RequestContext } from '../context';
import { AppError, invalidRequest } from '../errors';
import { invalidHaving, parseHaving, type HavingNode } from './aggregate-having';
import { assertKnownParams, listParam, textParam, type RawQuery } from './list-query';
import { readableFields, type ReadableFields } from './readable-fields';
import { compileFilter } from './record-filter';
import { fieldMapOf, fromStoredRow } from './record-row';
import type { RecordScopes } from './record-scope';
import { gatedSelect, whereAll } from './record-select';
import { fieldTypeKind, sortExpression, systemColumnKind, type SortKind } from './record-sort';

/** `{results, total_groups}` of spec §4.11. */
export interface AggregateResult {
  readonly results: Record<string, unknown>[];
  readonly total_groups: number;
}

type AggregateFn = 'count' | 'sum' | 'avg' | 'min' | 'max';

interface Aggregate {
  readonly fn: AggregateFn;
  readonly field: string | null;
  readonly kind: SortKind | null;
  readonly alias: string;
}

const PARAMS: ReadonlySet<string> = new Set(['functions', 'group_by', 'filter', 'having']);
const FUNCTION = /^(count|sum|avg|min|max)\s*\(\s*([A-Za-z_][A-Za-z0-9_]*)?\s*\)$/i;
const MAX_FUNCTIONS = 20;
const MAX_GROUPS = 10;
const invalid = (title: string, message: string) => new AppError(400, 'invalid_aggregation', title, message);

/**
 * The kind of a field the caller may aggregate or group by: a system field, or a readable stored
 * field whose column orders (not json, file or computed: a computed value would need its SQL
 * value turned into the API value here, as `?sort=` does for cursors; not done). A
 * hidden or masked field is refused exactly like an unknown one (no side channel: `max(salary)`
 * must not reveal what the field list or the mask hides).
 */
function kindOf(model: CollectionModel, readable: ReadableFields, name: string): SortKind | undefined {
  const system = systemColumnKind(name);
  if (system) return system;
  const field = readable.names.has(name) ? fieldMapOf(model).get(name) : undefined;
  return field ? fieldTypeKind(field.type) : undefined;
}

function parseFunctions(text: string, model: CollectionModel, readable: ReadableFields): Aggregate[] {
  const title = 'Invalid aggregation functions';
  const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) throw invalid(title, 'At least one aggregation function is required');
  if (items.length > MAX_FUNCTIONS) throw invalid(title, `At most ${MAX_FUNCTIONS} aggregation functions are allowed`);
  const seen = new Set<string>();
  return items.map((item) => {
    const m = FUNCTION.exec(item);
    if (!m) throw invalid(title, `Invalid aggregation function '${item.slice(0, 64)}'; use count(), count(field), sum(field), avg(field), min(field) or max(field)`);
    const fn = m[1].toLowerCase() as AggregateFn;
    const field = m[2] ?? null;
    if (field === null && fn !== 'count') throw invalid(title, `${fn}() needs a field`);
    const kind = field === null ? null : kindOf(model, readable, field);
    if (field !== null && !kind) throw invalid(title, `Field '${field.slice(0, 64)}' does not exist in collection or cannot be aggregated`);
    if ((fn === 'sum' || fn === 'avg') && kind !== 'number') throw invalid(title, `${fn}() needs a number field, '${field}' is not one`);
    if ((fn === 'min' || fn === 'max') && kind === 'boolean') throw invalid(title, `${fn}() cannot be applied to boolean field '${field}'`);
    const alias = field === null ? 'count' : `${fn}_${field}`;
    if (seen.has(alias)) throw invalid(title, `Duplicate aggregation '${alias}'`);
    seen.add(alias);
    return { fn, field, kind: kind ?? null, alias };
  });
}

function parseGroups(names: readonly string[], model: CollectionModel, readable: ReadableFields): { name: string; kind: SortKind }[] {
  if (names.length > MAX_GROUPS) throw invalid('Invalid group_by', `At most ${MAX_GROUPS} group_by fields are allowed`);
  return [...new Set(names)].map((name) => {
    const kind = kindOf(model, readable, name);
    if (!kind) throw invalid('Invalid group_by', `Field '${name.slice(0, 64)}' does not exist in collection or cannot be grouped by`);
    return { name, kind };
  });
}

export interface AggregateDeps {
  readonly db: SnackDatabase;
  readonly scopes: RecordScopes;
  readonly cache: AstCache;
}

/**
 * `GET /records/{c}/aggregate` after the list gate passed: parameters checked, then ONE
 * statement over the caller's account, the list rule and the filter, grouped and filtered by
 * `having`. Only fields the caller can read unmasked may be aggregated or grouped.
 */
export async function aggregateRecords(
  deps: AggregateDeps,
  ctx: RequestContext,
  t: { readonly caller: RuleCaller; readonly model: CollectionModel; readonly gate: RuleGate },
  query: RawQuery,
  accountHeader: string | undefined,
): Promise<AggregateResult> {
  assertKnownParams(query, PARAMS);
  const functionsText = textParam(query, 'functions');
  if (functionsText === undefined) throw invalidRequest([{ field: 'query.functions', message: 'is required', code: 'required' }]);
  const { model } = t;
  const table = model.tableName;
  const dialect = deps.db.dialect;
  const readable = readableFields(model, t.caller, 'list');
  const aggregates = parseFunctions(functionsText, model, readable);
  const groups = parseGroups(listParam(query, 'group_by') ?? [], model, readable);
  const filterText = textParam(query, 'filter');
  const where = filterText ? compileFilter(filterText, model, readable, { dialect, tableAlias: table, cache: deps.cache }) : undefined;
  const havingText = textParam(query, 'having');
  const sqlOf = new Map(aggregates.map((a) => [a.alias, aggregateSql(dialect, table, a)]));
  const having = havingText ? havingSql(parseHaving(havingText, new Set(sqlOf.keys())), sqlOf, new Map(aggregates.map((a) => [a.alias, a]))) : undefined;
  const scope = await deps.scopes.scopeOf(ctx, accountHeader);

  let qb = whereAll(gatedSelect(deps.db, scope, model, t.gate), [where]);
  for (const g of groups) qb = qb.select(sql.ref(`${table}.${g.name}`).as(g.name));
  for (const a of aggregates) qb = qb.select((sqlOf.get(a.alias) as RawBuilder<unknown>).as(a.alias));
  if (groups.length > 0) {
    qb = qb.groupBy(groups.map((g) => sql.ref(`${table}.${g.name}`)));
    for (const g of groups) qb = qb.orderBy(sql`${sortExpression(dialect, table, g.name, g.kind)} asc nulls first`);
  }
  if (having) qb = qb.having(having);
  const rows = (await qb.execute()) as Record<string, unknown>[];
  const results = rows.map((row) => shape(model, row, aggregates, groups, dialect));
  return { results, total_groups: results.length };
}

function aggregateSql(dialect: SnackDatabase['dialect'], table: string, a: Aggregate): RawBuilder<unknown> {
  if (a.field === null) return sql`count(*)`;
  const column = a.fn === 'min' || a.fn === 'max' ? sortExpression(dialect, table, a.field, a.kind ?? 'number') : sql.ref(`${table}.${a.field}`);
  switch (a.fn) {
    case 'count':
      return sql`count(${column})`;
    case 'sum':
      return sql`sum(${column})`;
    case 'avg':
      return sql`avg(${column})`;
    case 'min':
      return sql`min(${column})`;
    case 'max':
      return sql`max(${column})`;
  }
}

const OPERATORS = { '=': sql.raw('='), '!=': sql.raw('<>'), '<': sql.raw('<'), '>': sql.raw('>'), '<=': sql.raw('<='), '>=': sql.raw('>=') } as const;

/**
 * The value a `having` comparison may bind for `aggregate`: a finite number for counts, sums,
 * averages and min/max of numbers; a string for min/max of text; an ISO date-time for min/max of
 * timestamps. Anything else is a 400, never a database error (PostgreSQL refuses `'x'` for a
 * number or `5` for a timestamp with a 500 otherwise, and SQLite silently compares across types).
 */
function havingValue(aggregate: Aggregate | undefined, value: number | string): number | string {
  const numeric = !aggregate || aggregate.fn === 'count' || aggregate.fn === 'sum' || aggregate.fn === 'avg' || aggregate.kind === 'number';
  const alias = aggregate?.alias ?? 'count';
  if (numeric) {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidHaving(`'${alias}' can only be compared with a number`);
    return value;
  }
  if (typeof value !== 'string') throw invalidHaving(`'${alias}' can only be compared with a quoted ${aggregate.kind === 'timestamp' ? 'date-time' : 'string'}`);
  if (aggregate.kind !== 'timestamp') return value;
  const at = ISO_DATETIME.test(value) ? new Date(value) : undefined;
  if (!at || Number.isNaN(at.getTime())) throw invalidHaving(`'${alias}' can only be compared with an ISO 8601 date-time`);
  return at.toISOString();
}

const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

function havingSql(node: HavingNode, sqlOf: ReadonlyMap<string, RawBuilder<unknown>>, aggregates: ReadonlyMap<string, Aggregate>): Expression<SqlBool> {
  if (node.kind === 'compare') {
    const value = havingValue(aggregates.get(node.alias), node.value);
    return sql<SqlBool>`(${sqlOf.get(node.alias)} ${OPERATORS[node.op]} ${value})`;
  }
  const parts = node.operands.map((o) => havingSql(o, sqlOf, aggregates));
  return sql<SqlBool>`(${sql.join(parts, sql.raw(node.kind === 'and' ? ' and ' : ' or '))})`;
}

/** API values: group fields as records show them, counts and sums as numbers, min/max typed. */
function shape(
  model: CollectionModel,
  row: Record<string, unknown>,
  aggregates: readonly Aggregate[],
  groups: readonly { name: string }[],
  dialect: SnackDatabase['dialect'],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of aggregates) {
    const value = row[a.alias];
    if (value === null || value === undefined) out[a.alias] = a.fn === 'count' ? 0 : null;
    else if (a.fn === 'min' || a.fn === 'max') out[a.alias] = a.field ? fromStoredRow(model, { [a.field]: value }, dialect)[a.field] : value;
    else out[a.alias] = Number(value);
  }
  const groupValues = fromStoredRow(model, Object.fromEntries(groups.map((g) => [g.name, row[g.name]])), dialect);
  return { ...out, ...groupValues };
}
