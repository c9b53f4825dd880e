import { sql, type Expression, type SqlBool } from 'kysely';
import { createAstCache } from '@snackbase/rules';
import type { TenantScope } from '@snackbase/tenancy';
import type { RuleCaller, RuleGate } from '../access';
import type { CollectionModel, RuleOperation } from '../collections';
import type { RequestContext } from '../context';
import { AppError, notFound } from '../errors';
import { awaitBeforeHook, type RecordQuery } from '../events';
import { aggregateRecords, type AggregateResult } from './record-aggregate';
import { boundSortValue, decodeCursor, encodeCursor, rowSortValue, SORT_VALUE, withoutSortValue } from './record-cursor';
import { assertExpandable, expandRecords, parseExpand, type ExpandContext, type ExpandTree } from './record-expand';
import { compileFilter } from './record-filter';
import { fromStoredRow, presentRecord, fieldMapOf } from './record-row';
import { gatedSelect, whereAll, type RecordSelect } from './record-select';
import { keysetCondition, orderTerms, parseSort, type SortSpec } from './record-sort';
import { MAX_LIMIT, parseListQuery, parseViewQuery, type ListQuery, type RawQuery } from './list-query';
import { readableFields, type ReadableFields } from './readable-fields';
import type { RecordsDeps } from './records-deps';
import { explainRule, type ExplainInput, type ExplainResult } from './rules-explain';

/** A page in offset mode (spec §4.3). `total` is null with `skip_total=true`. */
export interface RecordListPage {
  readonly items: Record<string, unknown>[];
  readonly total: number | null;
  readonly skip: number;
  readonly limit: number;
}

/** A page in cursor mode (spec §4.8). `total` only with `include_count=true`. */
export interface RecordCursorPage {
  readonly items: Record<string, unknown>[];
  readonly next_cursor: string | null;
  readonly prev_cursor: string | null;
  readonly has_more: boolean;
  readonly total: number | null;
}

/** The read side of `/records/{collection}`. */
export interface RecordReads {
  /** `GET /records/{c}`: offset mode, or cursor mode when `cursor`/`cursor_before` is given. */
  list(ctx: RequestContext, collection: string, query: RawQuery, accountHeader?: string): Promise<RecordListPage | RecordCursorPage>;
  /** `GET /records/{c}/{id}`: 404 when missing, in another account or hidden by the view rule. */
  view(ctx: RequestContext, collection: string, id: string, query: RawQuery, accountHeader?: string): Promise<Record<string, unknown>>;
  /** `GET /records/{c}/aggregate` (spec §4.11). */
  aggregate(ctx: RequestContext, collection: string, query: RawQuery, accountHeader?: string): Promise<AggregateResult>;
  /** `POST /collections/{name}/rules/explain` (superadmins): how a rule decides for a user. */
  explain(ctx: RequestContext, collection: string, input: ExplainInput): Promise<ExplainResult>;
}

/** Everything a read resolved before its query: who, which collection, which rows. */
interface ReadTarget {
  readonly caller: RuleCaller;
  readonly model: CollectionModel;
  readonly gate: RuleGate;
}

export function collectionNotFound(name: string): AppError {
  return new AppError(404, 'not_found', 'Collection not found', `Collection '${name.slice(0, 64)}' does not exist`);
}

export function createRecordReads(deps: RecordsDeps): RecordReads {
  const { db } = deps;
  const dialect = db.dialect;
  const filterCache = createAstCache({ maxEntries: 1000 });

  /**
   * Caller, model and gate in the reference's order (spec §4.2): for list and aggregate the
   * permission comes first, so a non-superadmin learns nothing about a missing collection (403
   * "no rules defined"); view checks the collection first.
   */
  async function target(ctx: RequestContext, collection: string, op: RuleOperation): Promise<ReadTarget> {
    const [caller, model] = await Promise.all([deps.gates.callerOf(ctx), deps.catalog.byName(collection)]);
    if (!model) {
      if (op === 'view' || caller.isSuperadmin) throw collectionNotFound(collection);
      throw new AppError(403, 'forbidden', 'Forbidden', `Permission denied for ${op} on ${collection.slice(0, 64)} (no rules defined)`);
    }
    const gate = await deps.gates.gate(caller, model, op, { tableAlias: model.tableName });
    return { caller, model, gate };
  }

  const expandContext = (caller: RuleCaller, scope: TenantScope): ExpandContext => ({
    db,
    catalog: deps.catalog,
    gates: deps.gates,
    caller,
    scope,
    maxDepth: deps.config.records.maxExpandDepth,
  });

  /** Runs `record.beforeQuery`: hooks may rewrite the draft (within the same checks). */
  async function beforeQuery(ctx: RequestContext, model: CollectionModel, q: ListQuery): Promise<ListQuery> {
    if (!deps.hooks.has('record.beforeQuery', model.name)) return q;
    const draft: RecordQuery = { filter: q.filter, sort: q.sort, fields: q.fields && [...q.fields], expand: q.expand && [...q.expand], limit: q.limit, skip: q.skip, cursor: q.cursor };
    const out = (await awaitBeforeHook(() => deps.hooks.runBefore('record.beforeQuery', { ctx, collection: model.name, query: draft }, { tag: model.name }))).query;
    const limit = Number.isInteger(out.limit) ? Math.min(Math.max(out.limit as number, 1), MAX_LIMIT) : q.limit;
    const skip = Number.isInteger(out.skip) ? Math.max(out.skip as number, 0) : q.skip;
    return { ...q, filter: out.filter, sort: out.sort, fields: out.fields, expand: out.expand, limit, skip, cursor: out.cursor };
  }

  async function present(
    t: ReadTarget,
    scope: TenantScope,
    rows: readonly Record<string, unknown>[],
    op: 'list' | 'view',
    q: Pick<ListQuery, 'fields'>,
    expand: { readonly tree: ExpandTree; readonly readable: ReadableFields } | undefined,
  ): Promise<Record<string, unknown>[]> {
    const ownField = fieldMapOf(t.model).has('account_name');
    const items = rows.map((row) => {
      if (ownField) return presentRecord(t.model, fromStoredRow(t.model, row, dialect), op, t.caller);
      // The joined account name is not a field: kept out of the field list and masks, then
      // added to every list item (spec §4.3), whatever the field list says.
      const shown = presentRecord(t.model, fromStoredRow(t.model, row, dialect, 'account_name'), op, t.caller);
      if (op === 'list') shown['account_name'] = row['account_name'] ?? null;
      return shown;
    });
    if (expand) await expandRecords(expandContext(t.caller, scope), t.model, items, expand.tree, expand.readable.names);
    // `?fields=` projects last, after expansion (spec §4.3); system fields always stay.
    return q.fields ? items.map((item) => projectRequested(item, q.fields ?? [], op)) : items;
  }

  /** `?expand=` checked before any query runs (400 `invalid_expand`). */
  function checkedExpand(model: CollectionModel, paths: readonly string[] | undefined, readable: ReadableFields) {
    if (!paths) return undefined;
    const tree = parseExpand(paths);
    assertExpandable(model, readable.names, tree);
    return { tree, readable };
  }

  function listSelect(t: ReadTarget, scope: TenantScope, where: Expression<SqlBool> | undefined): RecordSelect {
    const table = t.model.tableName;
    const qb = whereAll(gatedSelect(db, scope, t.model, t.gate), [where]).selectAll(table);
    // A user field called `account_name` wins over the joined account name (no silent overwrite).
    if (fieldMapOf(t.model).has('account_name')) return qb;
    return qb.leftJoin('accounts', 'accounts.id', `${table}.account_id`).select('accounts.name as account_name');
  }

  async function count(t: ReadTarget, scope: TenantScope, where: Expression<SqlBool> | undefined): Promise<number> {
    const row = await whereAll(gatedSelect(db, scope, t.model, t.gate), [where]).select(sql<number>`count(*)`.as('n')).executeTakeFirst();
    return Number((row as { n?: unknown } | undefined)?.n ?? 0);
  }

  async function cursorPage(
    t: ReadTarget,
    scope: TenantScope,
    q: ListQuery,
    sort: SortSpec,
    where: Expression<SqlBool> | undefined,
  ): Promise<{ rows: Record<string, unknown>[]; hasMore: boolean; prev: string | null; next: string | null }> {
    const backward = q.cursorBefore !== undefined;
    const text = backward ? (q.cursorBefore as string) : (q.cursor as string);
    // Backward pages read in the opposite order and are turned round, so `cursor_before`
    // returns the ADJACENT previous page in display order (spec §12.3 item 28).
    const readDirection = backward ? (sort.direction === 'asc' ? 'desc' : 'asc') : sort.direction;
    let qb = listSelect(t, scope, where);
    if (sort.computed) qb = qb.select(sql`(${sort.computed})`.as(SORT_VALUE));
    if (text !== '') {
      const key = decodeCursor(text, backward ? 'cursor_before' : 'cursor', sort.kind);
      qb = qb.where(keysetCondition(dialect, t.model.tableName, sort, { value: boundSortValue(t.model, sort, key.value, dialect), id: key.id }, readDirection === 'asc'));
    }
    for (const term of orderTerms(dialect, t.model.tableName, sort, readDirection)) qb = qb.orderBy(term);
    const rows = (await qb.limit(q.limit + 1).execute()) as Record<string, unknown>[];
    const hasMore = rows.length > q.limit;
    const page = rows.slice(0, q.limit);
    if (backward) page.reverse();
    const cursorOf = (row: Record<string, unknown> | undefined) => (row ? encodeCursor({ value: rowSortValue(t.model, sort, row, dialect), id: String(row['id']) }) : null);
    const [prev, next] = [cursorOf(page[0]), cursorOf(page.at(-1))];
    return { rows: sort.computed ? page.map(withoutSortValue) : page, hasMore, prev, next };
  }

  return {
    async list(ctx, collection, query, accountHeader) {
      const t = await target(ctx, collection, 'list');
      let q = parseListQuery(query);
      if (q.cursor !== undefined && q.cursorBefore !== undefined) {
        throw new AppError(400, 'invalid_cursor', 'Invalid cursor', 'Use either cursor or cursor_before, not both');
      }
      const scope = await deps.scopes.scopeOf(ctx, accountHeader);
      q = await beforeQuery(ctx, t.model, q);
      const readable = readableFields(t.model, t.caller, 'list');
      const sort = parseSort(q.sort, t.model, readable, dialect);
      const where = q.filter ? compileFilter(q.filter, t.model, readable, { dialect, tableAlias: t.model.tableName, cache: filterCache }) : undefined;
      const expand = checkedExpand(t.model, q.expand, readable);
      const cursorMode = q.cursor !== undefined || q.cursorBefore !== undefined;

      let result: RecordListPage | RecordCursorPage;
      let rows: Record<string, unknown>[];
      if (cursorMode) {
        const [page, total] = await Promise.all([cursorPage(t, scope, q, sort, where), q.includeCount ? count(t, scope, where) : null]);
        rows = page.rows;
        const items = await present(t, scope, rows, 'list', q, expand);
        result = { items, next_cursor: page.next, prev_cursor: page.prev, has_more: page.hasMore, total };
      } else {
        let qb = listSelect(t, scope, where);
        for (const term of orderTerms(dialect, t.model.tableName, sort, sort.direction)) qb = qb.orderBy(term);
        const [found, total] = await Promise.all([qb.limit(q.limit).offset(q.skip).execute(), q.skipTotal ? null : count(t, scope, where)]);
        rows = found as Record<string, unknown>[];
        result = { items: await present(t, scope, rows, 'list', q, expand), total, skip: q.skip, limit: q.limit };
      }
      if (deps.hooks.has('record.afterQuery', t.model.name)) {
        const draft: RecordQuery = { filter: q.filter, sort: q.sort, fields: q.fields && [...q.fields], expand: q.expand && [...q.expand], limit: q.limit, skip: q.skip, cursor: q.cursor };
        await deps.hooks.runAfter('record.afterQuery', { ctx, collection: t.model.name, query: draft, records: result.items, total: result.total ?? undefined }, { tag: t.model.name });
      }
      return result;
    },

    async view(ctx, collection, id, query, accountHeader) {
      const t = await target(ctx, collection, 'view');
      const q = parseViewQuery(query);
      const expand = checkedExpand(t.model, q.expand, readableFields(t.model, t.caller, 'view'));
      const scope = await deps.scopes.scopeOf(ctx, accountHeader);
      const row = await gatedSelect(db, scope, t.model, t.gate).selectAll(t.model.tableName).where(`${t.model.tableName}.id`, '=', id).executeTakeFirst();
      if (!row) throw notFound('Record not found');
      const [item] = await present(t, scope, [row as Record<string, unknown>], 'view', q, expand);
      return item;
    },

    async aggregate(ctx, collection, query, accountHeader) {
      const t = await target(ctx, collection, 'list');
      return aggregateRecords({ db, scopes: deps.scopes, cache: filterCache }, ctx, t, query, accountHeader);
    },

    explain: (ctx, collection, input) => explainRule(deps, filterCache, ctx, collection, input),
  };
}

const SYSTEM_KEYS: ReadonlySet<string> = new Set(['id', 'account_id', 'created_at', 'created_by', 'updated_at', 'updated_by', 'account_name']);

/** The `?fields=` projection: system fields (and a list item's `account_name`) always stay. */
function projectRequested(item: Record<string, unknown>, fields: readonly string[], op: 'list' | 'view'): Record<string, unknown> {
  if (fields.includes('*')) return item;
  const wanted = new Set(fields);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) {
    if (wanted.has(key) || SYSTEM_KEYS.has(key) || (op === 'view' && key === 'account_name')) out[key] = value;
  }
  return out;
}
