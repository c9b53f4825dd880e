import { nowIso, timeOrderedId } from '@snackbase/db';
import { assertWritableFields, parseFieldList, type RuleCaller, type RuleGate } from '../access';
import { SYSTEM_ACCOUNT_ID } from '../accounts';
import { fieldListOf, type CollectionModel } from '../collections';
import type { RequestContext } from '../context';
import { forbidden, validationFailed } from '../errors';
import { createBatchWrites, type BatchWrites } from './batch-writes';
import { createGroupedCreates } from './grouped-creates';
import { deleteWithReferrers, type CascadeDeps, type WriteLog } from './cascade-deletes';
import { fromStoredRow, presentRecord } from './record-row';
import type { WriteMode } from './record-values';
import type { RecordsDeps } from './records-deps';
import { checkedValues, draftChanged } from './write-values';
import {
  actorId,
  clientError,
  draftData,
  lockedRow,
  recordNotFound,
  resolveTarget,
  runBefore,
  tableIn,
  tableOfAccount,
  toStoredRow,
  type Row,
  type Trx,
  type WriteTarget,
  withoutAccount,
} from './write-support';

/** Record writes (spec §4.5, §4.10): create, PUT, PATCH, delete and their atomic batches. */
export interface RecordWrites extends BatchWrites {
  /** `POST /records/{c}` → the created record (201). */
  create(ctx: RequestContext, collection: string, body: Readonly<Row>, accountHeader?: string): Promise<Row>;
  /** `PUT /records/{c}/{id}`: required fields needed, defaults re-applied → the record (200). */
  replace(ctx: RequestContext, collection: string, id: string, body: Readonly<Row>, accountHeader?: string): Promise<Row>;
  /** `PATCH /records/{c}/{id}`: only the fields sent → the record (200). */
  patch(ctx: RequestContext, collection: string, id: string, body: Readonly<Row>, accountHeader?: string): Promise<Row>;
  /** `DELETE /records/{c}/{id}` (204), applying `on_delete` of the references to it. */
  remove(ctx: RequestContext, collection: string, id: string, accountHeader?: string): Promise<void>;
}

/** What create and batch create share: a body's target account and the body without it. */
export interface CreateInput {
  readonly accountId: string;
  readonly data: Row;
}

/** Internals shared with the batch writer. */
export interface WriteKit {
  readonly deps: RecordsDeps;
  /** What cascading needs; `collections` must be loaded before the transaction opens. */
  readonly cascade: (ctx: RequestContext, collections: readonly CollectionModel[]) => CascadeDeps;
  createInput(target: WriteTarget, body: Readonly<Row>): Promise<CreateInput>;
  candidateRow(ctx: RequestContext, accountId: string, values: Readonly<Row>): Row;
  writableList(caller: RuleCaller, model: CollectionModel, op: 'create' | 'update'): ReturnType<typeof parseFieldList>;
  finish(trx: Trx, ctx: RequestContext, log: WriteLog): Promise<void>;
  announce(log: WriteLog): Promise<void>;
  beforeCreate(ctx: RequestContext, model: CollectionModel, values: Row, accountId: string, indexed?: number): Promise<Row>;
  beforeUpdate(ctx: RequestContext, model: CollectionModel, id: string, values: Row, existing: Row, mode: WriteMode, indexed?: number): Promise<Row>;
}

const newLog = (): WriteLog => ({ audits: [], after: [] });

/**
 * The transactions of single-record writes run only their own statements (before-hooks ran
 * earlier, after-hooks run after commit), so on SQLite they may share a commit with others
 * waiting at the same time: see `GroupCommit` in `@snackbase/db`.
 */
const SHORT_WRITE = { groupCommit: true } as const;
const notSatisfied = () => forbidden('Record does not satisfy collection rules');

export function createRecordWrites(deps: RecordsDeps): RecordWrites {
  const { db, catalog, gates, hooks, audit } = deps;
  const groupedCreates = createGroupedCreates({ db, audit });

  const kit: WriteKit = {
    deps,
    cascade: (ctx, collections) => ({
      collections,
      dialect: db.dialect,
      deleted: (model, record) => () => hooks.runAfter('record.afterDelete', { ctx, collection: model.name, record }),
      nulled: (model, record, previous, changes) => () => hooks.runAfter('record.afterUpdate', { ctx, collection: model.name, record, previous, changes }),
    }),

    async createInput(target, body) {
      if (!target.caller.isSuperadmin) {
        if (target.scope.kind !== 'account') throw forbidden();
        return { accountId: target.scope.accountId, data: { ...body } };
      }
      // A superadmin picks the target account with `account_id` (id, slug or code); without
      // one the record belongs to the system account (spec §2.14).
      const { account_id: wanted, ...data } = body;
      if (wanted === undefined || wanted === null) return { accountId: SYSTEM_ACCOUNT_ID, data };
      const name = String(wanted);
      const byId = await db.kysely.selectFrom('accounts').select('id').where('id', '=', name).executeTakeFirst();
      const accountId = byId?.id ?? (await deps.scopes.accountIdOf(name));
      if (!accountId) throw validationFailed([{ field: 'account_id', code: 'invalid_reference', message: `Account '${name.slice(0, 64)}' not found` }], 'Record validation failed');
      return { accountId, data };
    },

    candidateRow(ctx, accountId, values) {
      const now = nowIso();
      const actor = actorId(ctx);
      // Time-ordered ids: new rows append to the key indexes instead of scattering (see timeOrderedId).
      return { id: timeOrderedId(), account_id: accountId, created_at: now, created_by: actor, updated_at: now, updated_by: actor, ...values };
    },

    writableList: (caller, model, op) => (caller.isSuperadmin ? '*' : parseFieldList(fieldListOf(model.rules, op))),

    async finish(trx, ctx, log) {
      // Audit last: on PostgreSQL it takes the chain lock, held until commit.
      for (const change of log.audits) await audit.record(trx, ctx, change);
    },

    async announce(log) {
      for (const run of log.after) await run();
    },

    async beforeCreate(ctx, model, values, accountId, index) {
      const draft = await runBefore(() => hooks.runBefore('record.beforeCreate', { ctx, collection: model.name, data: { ...values } }, { tag: model.name }));
      const data = draftData(draft.data);
      if (!draftChanged(values, data)) return values;
      const [checked] = await checkedValues(db.kysely, catalog, model, [{ body: data, mode: 'create', accountId }], index !== undefined);
      return checked ?? data;
    },

    async beforeUpdate(ctx, model, id, values, existing, mode, index) {
      const draft = await runBefore(() => hooks.runBefore('record.beforeUpdate', { ctx, collection: model.name, id, data: { ...values }, existing }, { tag: model.name }));
      const data = draftData(draft.data);
      if (!draftChanged(values, data)) return values;
      const [checked] = await checkedValues(db.kysely, catalog, model, [{ body: data, mode: mode === 'replace' ? 'patch' : mode, accountId: String(existing['account_id']) }], index !== undefined);
      return checked ?? data;
    },
  };

  async function update(ctx: RequestContext, collection: string, id: string, body: Readonly<Row>, accountHeader: string | undefined, mode: WriteMode): Promise<Row> {
    const { scope, model, caller } = await resolveTarget(deps, ctx, collection, accountHeader);
    const stored = (await tableIn(db.kysely, scope, model).select().selectAll().where('id', '=', id).executeTakeFirst()) as Row | undefined;
    if (!stored) throw recordNotFound();
    const gate: RuleGate = await gates.gate(caller, model, 'update', { data: body });
    assertWritableFields(body, kit.writableList(caller, model, 'update'), 'update');
    const accountId = String(stored['account_id']);
    const [checked = {}] = await checkedValues(db.kysely, catalog, model, [{ body, mode, accountId }], false);
    const existing = fromStoredRow(model, stored, db.dialect);
    const values = await kit.beforeUpdate(ctx, model, id, checked, existing, mode);
    const changes = { ...values, updated_at: nowIso(), updated_by: actorId(ctx) };
    const log = newLog();
    const result = await db
      .transaction(async (trx) => {
        const before = await lockedRow(trx, db.dialect, scope, model, id);
        if (!before) throw recordNotFound();
        let q = tableIn(trx, scope, model).update(toStoredRow(db.dialect, model, changes)).where('id', '=', id);
        if (gate.kind === 'where') q = q.where(gate.where);
        const row = (await q.returningAll().executeTakeFirst()) as Row | undefined;
        if (!row) throw recordNotFound(); // hidden by the update rule: as if missing
        const after = fromStoredRow(model, row, db.dialect);
        const previous = fromStoredRow(model, before, db.dialect);
        log.audits.push({ operation: 'UPDATE', table: model.tableName, recordId: id, accountId, before: previous, after });
        log.after.push(() => hooks.runAfter('record.afterUpdate', { ctx, collection: model.name, record: after, changes: values, previous }));
        await kit.finish(trx, ctx, log);
        return after;
      }, SHORT_WRITE)
      .catch((e: unknown) => {
        throw clientError(e);
      });
    await kit.announce(log);
    return presentRecord(model, result, 'update', caller);
  }

  const writes: Omit<RecordWrites, keyof BatchWrites> = {
    async create(ctx, collection, body, accountHeader) {
      const target = await resolveTarget(deps, ctx, collection, accountHeader);
      const { model, caller } = target;
      const { accountId, data } = await kit.createInput(target, body);
      const gate = await gates.gate(caller, model, 'create', { data });
      assertWritableFields(data, kit.writableList(caller, model, 'create'), 'create');
      const [checked = {}] = await checkedValues(db.kysely, catalog, model, [{ body: data, mode: 'create', accountId }], false);
      const values = await kit.beforeCreate(ctx, model, checked, accountId);
      const row = kit.candidateRow(ctx, accountId, values);
      if (!gates.admits(gate, row, data)) throw notSatisfied();
      const stored = toStoredRow(db.dialect, model, withoutAccount(row));
      const change = { operation: 'CREATE', table: model.tableName, recordId: String(row['id']), accountId, after: row } as const;
      const log: WriteLog = { audits: [change], after: [() => hooks.runAfter('record.afterCreate', { ctx, collection: model.name, record: row })] };
      // One INSERT carrying its audit entries, shared with the creates arriving meanwhile,
      // where the log allows it (PostgreSQL): no transaction round trips for the commonest write.
      const written = audit.appliesInStatement(change)
        ? groupedCreates.add({ ctx, table: model.tableName, accountId, stored, change })
        : db.transaction(async (trx) => {
            await tableOfAccount(trx, accountId, model).insert(stored).execute();
            await kit.finish(trx, ctx, log);
          }, SHORT_WRITE);
      await written.catch((e: unknown) => {
        throw clientError(e);
      });
      await kit.announce(log);
      return presentRecord(model, row, 'create', caller);
    },

    replace: (ctx, collection, id, body, accountHeader) => update(ctx, collection, id, body, accountHeader, 'replace'),
    patch: (ctx, collection, id, body, accountHeader) => update(ctx, collection, id, body, accountHeader, 'patch'),

    async remove(ctx, collection, id, accountHeader) {
      const { scope, model, caller } = await resolveTarget(deps, ctx, collection, accountHeader);
      const stored = (await tableIn(db.kysely, scope, model).select().selectAll().where('id', '=', id).executeTakeFirst()) as Row | undefined;
      if (!stored) throw recordNotFound();
      const gate = await gates.gate(caller, model, 'delete');
      await runBefore(() => hooks.runBefore('record.beforeDelete', { ctx, collection: model.name, record: fromStoredRow(model, stored, db.dialect) }, { tag: model.name }));
      const log = newLog();
      const cascade = kit.cascade(ctx, await catalog.all());
      await db
        .transaction(async (trx) => {
          const row = await lockedRow(trx, db.dialect, scope, model, id, gate);
          if (!row) throw recordNotFound(); // gone meanwhile, or hidden by the delete rule
          await deleteWithReferrers(trx, cascade, model, row, log);
          await kit.finish(trx, ctx, log);
        }, SHORT_WRITE)
        .catch((e: unknown) => {
          throw clientError(e);
        });
      await kit.announce(log);
    },
  };

  return { ...writes, ...createBatchWrites(kit) };
}
