import type { Kysely, QueryCreator, Transaction } from 'kysely';
import type { GlobalDatabase, SqlDialect } from '@snackbase/db';
import { accountScope, dynamicTenantTable, type TenantScope } from '@snackbase/tenancy';
import type { RuleCaller, RuleGate } from '../access';
import { storedFields, type CollectionModel } from '../collections';
import type { RequestContext } from '../context';
import { AppError, fromDbError, notFound } from '../errors';
import { awaitBeforeHook } from '../events';
import { toStoredValue } from './record-row';
import type { RecordsDeps } from './records-deps';

export type Trx = Transaction<GlobalDatabase>;
/** The database or a transaction: reads outside a write may use either. */
export type Db = Kysely<GlobalDatabase>;
export type Row = Record<string, unknown>;

/** What every write starts from: whose rows, which collection, who asks. */
export interface WriteTarget {
  readonly scope: TenantScope;
  readonly model: CollectionModel;
  readonly caller: RuleCaller;
}

/** 404 of an unknown collection (the reference's read-path message). */
export function collectionNotFound(name: string): AppError {
  return new AppError(404, 'not_found', 'Collection not found', `Collection '${String(name).slice(0, 64)}' does not exist`);
}

/** 404 of a record that is missing, in another account or hidden by the rule: all look alike. */
export const recordNotFound = () => notFound('Record not found');

/** Tenant (400/404) → collection (404) → caller, in the reference's order for writes (§4.2). */
export async function resolveTarget(deps: RecordsDeps, ctx: RequestContext, collection: string, accountHeader: string | undefined): Promise<WriteTarget> {
  const scope = await deps.scopes.scopeOf(ctx, accountHeader);
  const model = await deps.catalog.byName(collection);
  if (!model) throw collectionNotFound(collection);
  return { scope, model, caller: await deps.gates.callerOf(ctx) };
}

/** The acting user's id as written to `created_by` / `updated_by`. */
export function actorId(ctx: RequestContext): string {
  return ctx.principal.kind === 'user' ? ctx.principal.userId : 'anonymous';
}

/** API values → column values of `model` on `dialect` (system columns pass through). */
export function toStoredRow(dialect: SqlDialect, model: CollectionModel, values: Readonly<Row>): Row {
  const byName = new Map(storedFields(model).map((f) => [f.name, f]));
  const out: Row = {};
  for (const [key, value] of Object.entries(values)) {
    const field = byName.get(key);
    out[key] = field ? toStoredValue(dialect, field, value) : value;
  }
  return out;
}

/** A candidate row without `account_id`, which the tenant guard stamps from the scope. */
export function withoutAccount(row: Readonly<Row>): Row {
  const out = { ...row };
  delete out['account_id'];
  return out;
}

/** The collection table confined to `scope`, inside `trx`. */
export function tableIn(trx: Db, scope: TenantScope, model: Pick<CollectionModel, 'tableName'>) {
  return dynamicTenantTable(trx, scope, model.tableName);
}

/** The table confined to the one account a row belongs to. */
export function tableOfAccount(trx: QueryCreator<GlobalDatabase>, accountId: string, model: Pick<CollectionModel, 'tableName'>) {
  return dynamicTenantTable(trx, accountScope(accountId), model.tableName);
}

/**
 * The existing row `id` in `scope` with the rule's condition (or none), locked for the rest of
 * the transaction on PostgreSQL so concurrent writers queue instead of racing.
 */
export async function lockedRow(trx: Trx, dialect: SqlDialect, scope: TenantScope, model: CollectionModel, id: string, gate?: RuleGate): Promise<Row | undefined> {
  let q = tableIn(trx, scope, model).select().selectAll().where('id', '=', id);
  if (gate?.kind === 'where') q = q.where(gate.where);
  if (dialect === 'postgres') q = q.forUpdate();
  return (await q.executeTakeFirst()) as Row | undefined;
}

/** Runs a before-hook (see {@link awaitBeforeHook}). */
export const runBefore = awaitBeforeHook;

/** A database failure as the client sees it (409 unique naming the field, 400 FK/NOT NULL), else as is. */
export function clientError(e: unknown): unknown {
  if (e instanceof AppError) return e;
  return fromDbError(e) ?? e;
}

/** `error` with `index` (the failing batch item) added to its extras. */
export function withIndex(error: unknown, index: number): unknown {
  if (!(error instanceof AppError)) return error;
  const message = error.message.includes('(index') ? error.message : `${error.message} (index ${index})`;
  return new AppError(error.status, error.code, error.title, message, error.details, { ...error.extras, index }, { cause: error.cause ?? error });
}

/** Keeps a handler's non-object `data` from reaching SQL. */
export function draftData(data: unknown): Row {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new TypeError('A record before-hook returned data that is not an object');
  }
  return { ...(data as Row) };
}
