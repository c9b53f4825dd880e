import type { Transaction } from 'kysely';
import type { GlobalDatabase, SnackDatabase } from '@snackbase/db';
import type { RequestContext } from '../context';
import { awaitBeforeHook } from '../events/app-error-from-hook';
import type { AppHooks } from '../events/create-app-hooks';
import type { RowData } from '../events/event-payloads';
import type { AuditChange, AuditRow } from './audit-diff';
import { isSecretName, REDACTED } from './audit-value';

/**
 * True for a collection's own table (`col_<lower(name)>`, see `collectionTableName`): its writes
 * fire `record.*` events, so the model events skip it.
 */
export function isCollectionTable(table: string): boolean {
  return table.startsWith('col_');
}

const MAX_DEPTH = 32;

/** A deep, frozen copy of a value: handlers cannot reach the writer's objects through it. */
function frozenCopy(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return new Date(value.getTime());
  // A non-empty typed array cannot be frozen; a copy still keeps the writer's bytes safe.
  if (value instanceof Uint8Array) return Uint8Array.from(value);
  if (depth > MAX_DEPTH) return '[too deep]';
  if (Array.isArray(value)) return Object.freeze(value.map((v) => frozenCopy(v, depth + 1)));
  const out: RowData = {};
  for (const [k, v] of Object.entries(value)) out[k] = isSecretName(k) && v !== null && v !== undefined ? REDACTED : frozenCopy(v, depth + 1);
  return Object.freeze(out);
}

/** A row as model handlers see it: a frozen copy with secret columns redacted, `{}` for none. */
export function modelRow(row: AuditRow | null | undefined): Readonly<RowData> {
  return frozenCopy(row ?? {}, 0) as Readonly<RowData>;
}

/** The before phase: aborts and 4xx errors of handlers reach the client, the draft is not read back. */
const clientErrors = async (run: () => Promise<unknown>): Promise<void> => void (await awaitBeforeHook(run));

/**
 * The model events of one audited write to a system table (see the `model.*` payloads). `before`
 * runs the `model.before*` handlers now (inside the write's transaction; a throw aborts it);
 * `queueAfter` has the `model.after*` handlers run once that transaction commits.
 * @example const events = createModelEvents({ db, hooks }); await events.before(ctx, change); events.queueAfter(trx, ctx, change);
 */
export function createModelEvents(deps: { readonly db: SnackDatabase; readonly hooks: AppHooks }) {
  const { db, hooks } = deps;
  const opts = (change: AuditChange) => ({ tag: change.table });

  return {
    /** Whether `table` fires model events at all (not a collection table). */
    fires: (table: string): boolean => !isCollectionTable(table),

    async before(ctx: RequestContext, change: AuditChange): Promise<void> {
      const { table } = change;
      const id = String(change.recordId);
      const event = change.operation === 'CREATE' ? 'model.beforeCreate' : change.operation === 'UPDATE' ? 'model.beforeUpdate' : 'model.beforeDelete';
      // Copying rows costs something on every system write; most installs register no model hooks.
      if (!hooks.has(event, table)) return;
      if (change.operation === 'CREATE') {
        return clientErrors(() => hooks.runBefore('model.beforeCreate', Object.freeze({ ctx, table, id, values: modelRow(change.after) }), opts(change)));
      }
      if (change.operation === 'UPDATE') {
        const payload = Object.freeze({
          ctx,
          table,
          id,
          changes: modelRow(change.after),
          previous: modelRow(change.before),
        });
        return clientErrors(() => hooks.runBefore('model.beforeUpdate', payload, opts(change)));
      }
      return clientErrors(() => hooks.runBefore('model.beforeDelete', Object.freeze({ ctx, table, id, model: modelRow(change.before) }), opts(change)));
    },

    queueAfter(trx: Transaction<GlobalDatabase>, ctx: RequestContext, change: AuditChange): void {
      const { table } = change;
      const id = String(change.recordId);
      const event = change.operation === 'CREATE' ? 'model.afterCreate' : change.operation === 'UPDATE' ? 'model.afterUpdate' : 'model.afterDelete';
      if (!hooks.has(event, table)) return;
      // Copied now: the writer may reuse its objects once `record` returns.
      const before = modelRow(change.before);
      const after = modelRow(change.after);
      // `runAfter` never rejects: each handler failure goes to the registry's onError (logged).
      if (change.operation === 'CREATE') {
        db.afterCommit(trx, () => hooks.runAfter('model.afterCreate', Object.freeze({ ctx, table, id, model: after }), opts(change)));
      } else if (change.operation === 'UPDATE') {
        const model = modelRow({ ...before, ...after });
        db.afterCommit(trx, () => hooks.runAfter('model.afterUpdate', Object.freeze({ ctx, table, id, model, previous: before }), opts(change)));
      } else {
        db.afterCommit(trx, () => hooks.runAfter('model.afterDelete', Object.freeze({ ctx, table, id, model: before }), opts(change)));
      }
    },
  };
}

/** See {@link createModelEvents}. */
export type ModelEvents = ReturnType<typeof createModelEvents>;
