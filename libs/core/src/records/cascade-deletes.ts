import type { AuditChange } from '../audit';
import type { CollectionField, CollectionModel } from '../collections';
import { conflict } from '../errors';
import { fromStoredRow } from './record-row';
import { tableOfAccount, type Row, type Trx } from './write-support';

/** What a write did, to audit at the end of its transaction and to announce after commit. */
export interface WriteLog {
  readonly audits: AuditChange[];
  /** After-hook calls, run in order once the transaction committed. */
  readonly after: Array<() => Promise<unknown>>;
}

/** What cascading needs from the writer. */
export interface CascadeDeps {
  /**
   * Every collection, loaded BEFORE the transaction: the catalog may reload from the database,
   * and on SQLite (one connection) a read outside the transaction would wait for it forever.
   */
  readonly collections: readonly CollectionModel[];
  readonly dialect: 'sqlite' | 'postgres';
  /** Announces a record deleted by cascade (`record.afterDelete`), after commit. */
  readonly deleted: (model: CollectionModel, record: Row) => () => Promise<unknown>;
  /** Announces a reference nulled by `set_null` (`record.afterUpdate`), after commit. */
  readonly nulled: (model: CollectionModel, record: Row, previous: Row, changes: Row) => () => Promise<unknown>;
}

interface Referrer {
  readonly model: CollectionModel;
  readonly field: CollectionField;
}

/** Every (collection, reference field) pointing at `target`. */
function referrersOf(collections: readonly CollectionModel[], target: CollectionModel): Referrer[] {
  const out: Referrer[] = [];
  for (const model of collections) {
    for (const field of model.fields) {
      if (field.type === 'reference' && field.collection?.toLowerCase() === target.name.toLowerCase()) out.push({ model, field });
    }
  }
  return out;
}

export const referencedError = () => conflict('Cannot delete record: it is referenced by other records', 'referenced_record');

/**
 * Deletes `row` (a stored row of `model`, already known to be deletable by the caller) and
 * applies every reference's `on_delete` first, in the application and inside `trx` (spec §3.3,
 * done here instead of by foreign keys so the rows it touches are audited and announced):
 * `restrict` → 409 `referenced_record` when a row of the same account points at it; `set_null`
 * → that reference is nulled; `cascade` → the pointing rows are deleted the same way,
 * recursively. Audit entries and after-hooks are appended to `log`.
 */
export async function deleteWithReferrers(trx: Trx, deps: CascadeDeps, model: CollectionModel, row: Row, log: WriteLog, seen = new Set<string>()): Promise<void> {
  const id = String(row['id']);
  const accountId = String(row['account_id']);
  seen.add(`${model.tableName}:${id}`);
  for (const { model: refModel, field } of referrersOf(deps.collections, model)) {
    let q = tableOfAccount(trx, accountId, refModel).select().selectAll().where(field.name, '=', id);
    if (deps.dialect === 'postgres') q = q.forUpdate();
    const pointing = ((await q.execute()) as Row[]).filter((r) => !seen.has(`${refModel.tableName}:${String(r['id'])}`));
    if (pointing.length === 0) continue;
    const action = field.on_delete ?? 'restrict';
    if (action === 'restrict') throw referencedError();
    if (action === 'set_null') {
      await tableOfAccount(trx, accountId, refModel).update({ [field.name]: null }).where(field.name, '=', id).execute();
      for (const r of pointing) {
        const previous = fromStoredRow(refModel, r, deps.dialect);
        const record = { ...previous, [field.name]: null };
        log.audits.push({ operation: 'UPDATE', table: refModel.tableName, recordId: String(r['id']), accountId, before: previous, after: { [field.name]: null } });
        log.after.push(deps.nulled(refModel, record, previous, { [field.name]: null }));
      }
      continue;
    }
    for (const r of pointing) {
      if (seen.has(`${refModel.tableName}:${String(r['id'])}`)) continue; // a cycle reached it already
      await deleteWithReferrers(trx, deps, refModel, r, log, seen);
    }
  }
  await tableOfAccount(trx, accountId, model).delete().where('id', '=', id).execute();
  const before = fromStoredRow(model, row, deps.dialect);
  log.audits.push({ operation: 'DELETE', table: model.tableName, recordId: id, accountId, before });
  log.after.push(deps.deleted(model, before));
}

/**
 * The ids of a batch delete of `model` ordered children first: a row comes before every row of
 * the same batch it references through a `restrict` self-reference. The batch is atomic, so a `restrict`
 * reference from a row the batch also deletes must not refuse it; and the database's own
 * foreign key (RESTRICT on PostgreSQL, checked per statement) only lets the parent go once the
 * child is gone. Otherwise the request's order is kept. Rows referencing each other in a cycle
 * cannot all go first; their `restrict` still answers 409.
 * @example childrenFirst(nodes, ['root', 'leaf'], rowOf) // ['leaf', 'root'] when leaf.parent = 'root'
 */
export function childrenFirst(model: CollectionModel, ids: readonly string[], rowOf: (id: string) => Row | undefined): string[] {
  // Only `restrict` needs an order: `cascade` and `set_null` from a parent first work as they always did.
  const selfRefs = model.fields.filter((f) => f.type === 'reference' && f.collection?.toLowerCase() === model.name.toLowerCase() && (f.on_delete ?? 'restrict') === 'restrict');
  if (selfRefs.length === 0) return [...ids];
  const inBatch = new Set(ids);
  const children = new Map<string, string[]>();
  for (const id of ids) {
    for (const f of selfRefs) {
      const parent = rowOf(id)?.[f.name];
      if (typeof parent === 'string' && parent !== id && inBatch.has(parent)) children.set(parent, [...(children.get(parent) ?? []), id]);
    }
  }
  const out: string[] = [];
  const visited = new Set<string>();
  const visit = (id: string): void => {
    if (visited.has(id)) return; // done, or a cycle back to a row on the current path
    visited.add(id);
    for (const child of children.get(id) ?? []) visit(child);
    out.push(id);
  };
  for (const id of ids) visit(id);
  return out;
}
