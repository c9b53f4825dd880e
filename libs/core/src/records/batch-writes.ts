import { nowIso } from '@snackbase/db';
import { assertWritableFields, type RuleGate } from '../access';
import type { RequestContext } from '../context';
import { AppError, forbidden, invalidRequest, notFound } from '../errors';
import { childrenFirst, deleteWithReferrers, type WriteLog } from './cascade-deletes';
import { fromStoredRow, presentRecord } from './record-row';
import type { WriteKit } from './record-writes';
import { checkedValues } from './write-values';
import { actorId, clientError, lockedRow, resolveTarget, runBefore, tableIn, tableOfAccount, toStoredRow, withIndex, withoutAccount, type Row, type Trx, type WriteTarget } from './write-support';

/** One item of a batch update. */
export interface BatchUpdateItem {
  readonly id: string;
  readonly data: Readonly<Row>;
}

/** Atomic batches (spec §4.10, with the fixes of §12.2 item 24): all items or none. */
export interface BatchWrites {
  /** `POST /records/{c}/batch` → 201 `{created, count}`; the create rule is checked per item on its candidate row. */
  batchCreate(ctx: RequestContext, collection: string, records: readonly Readonly<Row>[], accountHeader?: string): Promise<{ created: Row[]; count: number }>;
  /** `PATCH /records/{c}/batch` → 200 `{updated, count}`; any id missing or hidden by the rule → 404 with its index. */
  batchUpdate(ctx: RequestContext, collection: string, items: readonly BatchUpdateItem[], accountHeader?: string): Promise<{ updated: Row[]; count: number }>;
  /** `DELETE /records/{c}/batch` → 200 `{deleted: ids, count}`. */
  batchDelete(ctx: RequestContext, collection: string, ids: readonly string[], accountHeader?: string): Promise<{ deleted: string[]; count: number }>;
}

const newLog = (): WriteLog => ({ audits: [], after: [] });

/** Runs `fn(item, i)` for every item, tagging a failure with the item's index. */
async function eachIndexed<T, R>(items: readonly T[], fn: (item: T, i: number) => Promise<R> | R): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i++) {
    try {
      out.push(await fn(items[i] as T, i));
    } catch (e) {
      throw withIndex(e, i);
    }
  }
  return out;
}

export function createBatchWrites(kit: WriteKit): BatchWrites {
  const { deps } = kit;
  const { db, gates, hooks } = deps;

  function checkSize(n: number): void {
    if (n === 0) throw invalidRequest([{ field: 'body', message: 'A batch needs at least one item', code: 'minItems' }]);
    const max = deps.config.records.batchMaxSize;
    if (n > max) throw new AppError(400, 'batch_too_large', 'batch_too_large', `Batch size ${n} exceeds maximum of ${max}`);
  }

  /** The stored rows of `ids` in the scope, by id; the first missing one is a 404 with its index. */
  async function existingRows(target: WriteTarget, ids: readonly string[]): Promise<Map<string, Row>> {
    const rows = (await tableIn(db.kysely, target.scope, target.model).select().selectAll().where('id', 'in', [...new Set(ids)]).execute()) as Row[];
    const byId = new Map(rows.map((r) => [String(r['id']), r]));
    ids.forEach((id, i) => {
      if (!byId.has(id)) throw withIndex(notFound(`Record '${String(id).slice(0, 64)}' not found`), i);
    });
    return byId;
  }

  /**
   * PostgreSQL: locks the batch's rows up front in id order. Locking them item by item in the
   * request's order let two batches naming the same rows in different orders deadlock (the
   * loser's 40P01 was a 500); one order for every writer makes the second one wait instead.
   */
  async function lockInIdOrder(trx: Trx, target: WriteTarget, ids: readonly string[]): Promise<void> {
    if (db.dialect !== 'postgres' || ids.length < 2) return;
    await tableIn(trx, target.scope, target.model).select().select('id').where('id', 'in', [...new Set(ids)]).orderBy('id').forUpdate().execute();
  }

  return {
    async batchCreate(ctx, collection, records, accountHeader) {
      const target = await resolveTarget(deps, ctx, collection, accountHeader);
      const { model, caller } = target;
      checkSize(records.length);
      // A locked rule (403) or an anonymous caller on an expression rule (401) concerns the whole
      // batch, not an item: answered once, without an index.
      await gates.gate(caller, model, 'create', { data: {} });
      const inputs = await eachIndexed(records, async (body) => {
        const input = await kit.createInput(target, body);
        const gate = await gates.gate(caller, model, 'create', { data: input.data });
        assertWritableFields(input.data, kit.writableList(caller, model, 'create'), 'create');
        return { ...input, gate };
      });
      const checked = await checkedValues(db.kysely, deps.catalog, model, inputs.map((x) => ({ body: x.data, mode: 'create' as const, accountId: x.accountId })), true);
      const rows = await eachIndexed(inputs, async (input, i) => {
        const values = await kit.beforeCreate(ctx, model, checked[i] ?? {}, input.accountId, i);
        const row = kit.candidateRow(ctx, input.accountId, values);
        if (!gates.admits(input.gate, row, input.data)) throw forbidden('Record does not satisfy collection rules');
        return row;
      });
      const log = newLog();
      await db
        .transaction(async (trx) => {
          await eachIndexed(rows, async (row) => {
            const owner = String(row['account_id']);
            try {
              await tableOfAccount(trx, owner, model).insert(toStoredRow(db.dialect, model, withoutAccount(row))).execute();
            } catch (e) {
              throw clientError(e);
            }
            log.audits.push({ operation: 'CREATE', table: model.tableName, recordId: String(row['id']), accountId: owner, after: row });
            log.after.push(() => hooks.runAfter('record.afterCreate', { ctx, collection: model.name, record: row }));
          });
          await kit.finish(trx, ctx, log);
        })
        .catch((e: unknown) => {
          throw clientError(e);
        });
      await kit.announce(log);
      return { created: rows.map((r) => presentRecord(model, r, 'create', caller)), count: rows.length };
    },

    async batchUpdate(ctx, collection, items, accountHeader) {
      const target = await resolveTarget(deps, ctx, collection, accountHeader);
      const { scope, model, caller } = target;
      checkSize(items.length);
      await gates.gate(caller, model, 'update', { data: {} }); // locked / anonymous: the whole batch
      const stored = await existingRows(target, items.map((x) => x.id));
      const gated = await eachIndexed(items, async (item) => {
        const gate: RuleGate = await gates.gate(caller, model, 'update', { data: item.data });
        assertWritableFields(item.data, kit.writableList(caller, model, 'update'), 'update');
        return gate;
      });
      const accountOf = (id: string) => String(stored.get(id)?.['account_id']);
      const checked = await checkedValues(db.kysely, deps.catalog, model, items.map((x) => ({ body: x.data, mode: 'patch' as const, accountId: accountOf(x.id) })), true);
      const drafts = await eachIndexed(items, (item, i) =>
        kit.beforeUpdate(ctx, model, item.id, checked[i] ?? {}, fromStoredRow(model, stored.get(item.id) ?? {}, db.dialect), 'patch', i),
      );
      const log = newLog();
      const updated = await db
        .transaction(async (trx) => {
          await lockInIdOrder(trx, target, items.map((x) => x.id));
          const out = await eachIndexed(items, async (item, i) => {
            const before = await lockedRow(trx, db.dialect, scope, model, item.id);
            if (!before) throw notFound(`Record '${item.id.slice(0, 64)}' not found`);
            const values = drafts[i] ?? {};
            const gate = gated[i];
            let q = tableIn(trx, scope, model)
              .update(toStoredRow(db.dialect, model, { ...values, updated_at: nowIso(), updated_by: actorId(ctx) }))
              .where('id', '=', item.id);
            if (gate?.kind === 'where') q = q.where(gate.where);
            let row: Row | undefined;
            try {
              row = (await q.returningAll().executeTakeFirst()) as Row | undefined;
            } catch (e) {
              throw clientError(e);
            }
            if (!row) throw notFound(`Record '${item.id.slice(0, 64)}' not found`); // hidden by the update rule
            const after = fromStoredRow(model, row, db.dialect);
            const previous = fromStoredRow(model, before, db.dialect);
            log.audits.push({ operation: 'UPDATE', table: model.tableName, recordId: item.id, accountId: String(row['account_id']), before: previous, after });
            log.after.push(() => hooks.runAfter('record.afterUpdate', { ctx, collection: model.name, record: after, changes: values, previous }));
            return after;
          });
          await kit.finish(trx, ctx, log);
          return out;
        })
        .catch((e: unknown) => {
          throw clientError(e);
        });
      await kit.announce(log);
      return { updated: updated.map((r) => presentRecord(model, r, 'update', caller)), count: updated.length };
    },

    async batchDelete(ctx, collection, ids, accountHeader) {
      const target = await resolveTarget(deps, ctx, collection, accountHeader);
      const { scope, model, caller } = target;
      const unique = [...new Set(ids)];
      checkSize(unique.length);
      const stored = await existingRows(target, unique);
      const gate = await gates.gate(caller, model, 'delete');
      await eachIndexed(unique, (id) =>
        runBefore(() => hooks.runBefore('record.beforeDelete', { ctx, collection: model.name, record: fromStoredRow(model, stored.get(id) ?? {}, db.dialect) }, { tag: model.name })),
      );
      const log = newLog();
      const cascade = kit.cascade(ctx, await deps.catalog.all());
      await db
        .transaction(async (trx) => {
          await lockInIdOrder(trx, target, unique);
          const seen = new Set<string>();
          // Children first, so a reference between two rows of the batch never refuses it; a
          // failure still names the item's index in the request.
          for (const id of childrenFirst(model, unique, (x) => stored.get(x))) {
            if (seen.has(`${model.tableName}:${id}`)) continue; // already deleted by a cascade of this batch
            try {
              const row = await lockedRow(trx, db.dialect, scope, model, id, gate);
              if (!row) throw notFound(`Record '${id.slice(0, 64)}' not found`);
              await deleteWithReferrers(trx, cascade, model, row, log, seen);
            } catch (e) {
              throw withIndex(e, unique.indexOf(id));
            }
          }
          await kit.finish(trx, ctx, log);
        })
        .catch((e: unknown) => {
          throw clientError(e);
        });
      await kit.announce(log);
      return { deleted: unique, count: unique.length };
    },
  };
}
