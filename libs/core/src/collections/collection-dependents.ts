import type { Kysely, Transaction } from 'kysely';
import { fromDbJson, type GlobalDatabase } from '@snackbase/db';
import { accountScope, allAccounts, tenantTable } from '@snackbase/tenancy';
import type { AuditRecorder } from '../audit';
import type { RequestContext } from '../context';

/**
 * A webhook or API-defined hook bound to one collection by name. The collections module reads
 * their tables directly rather than through the webhooks and scheduler modules: those import
 * `records`, which imports `collections`, so going through them would close a module cycle.
 */
export interface CollectionDependent {
  readonly id: string;
  readonly account_id: string;
  /** The webhook's URL or the hook's name, so the confirm dialog can name what goes. */
  readonly label: string;
}

/** What deleting a collection removes besides its table (reported by the preview and the delete). */
export interface CollectionDependents {
  readonly webhooks: readonly CollectionDependent[];
  readonly hooks: readonly CollectionDependent[];
}

const EVERY_ACCOUNT = allAccounts('superadmin deletes a collection and what every account bound to it');

/** The trigger's collection, when the hook fires on record events of one named collection. */
function triggerCollection(trigger: unknown): string | null {
  const t = fromDbJson<{ type?: unknown; collection?: unknown }>(trigger, {}) ?? {};
  return t.type === 'event' && typeof t.collection === 'string' && t.collection !== '' ? t.collection : null;
}

async function webhookRows(db: Kysely<GlobalDatabase>, name: string) {
  // Webhooks store the name as the user typed it; collection names ignore case.
  return tenantTable(db, EVERY_ACCOUNT, 'webhooks')
    .select()
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['collection']), '=', name.toLowerCase()))
    .orderBy('id')
    .execute();
}

async function hookRows(db: Kysely<GlobalDatabase>, name: string) {
  // The trigger is JSON on both dialects; hooks are few (≤ 50 per account), so filter here.
  const rows = await tenantTable(db, EVERY_ACCOUNT, 'hooks').select().selectAll().orderBy('id').execute();
  return rows.filter((r) => triggerCollection(r.trigger)?.toLowerCase() === name.toLowerCase());
}

/**
 * The webhooks whose `collection` is `name` and the API hooks whose event trigger names it
 * (hooks on every collection, `collection: null`, are not bound to it and stay). Pass the
 * delete's transaction to see its writes.
 */
export async function collectionDependents(db: Kysely<GlobalDatabase>, name: string): Promise<CollectionDependents> {
  const webhooks = (await webhookRows(db, name)).map((r) => ({ id: r.id, account_id: r.account_id, label: r.url }));
  const hooks = (await hookRows(db, name)).map((r) => ({ id: r.id, account_id: r.account_id, label: r.name }));
  return { webhooks, hooks };
}

/**
 * Deletes, inside the collection delete's transaction, every webhook and API hook bound to
 * `name` with their delivery and execution logs, auditing each like `DELETE /webhooks/{id}` and
 * `DELETE /hooks/{id}` do. Removed rather than disabled: a later collection of the same name
 * would otherwise silently start receiving another era's webhooks (payloads to old URLs).
 */
export async function removeCollectionDependents(trx: Transaction<GlobalDatabase>, audit: AuditRecorder, ctx: RequestContext, name: string): Promise<CollectionDependents> {
  const webhooks = await webhookRows(trx, name);
  for (const row of webhooks) {
    const scope = accountScope(row.account_id);
    await tenantTable(trx, scope, 'webhook_deliveries').delete().where('webhook_id', '=', row.id).execute();
    await tenantTable(trx, scope, 'webhooks').delete().where('id', '=', row.id).execute();
    // Never the signing secret in the audit log.
    const before = Object.fromEntries(Object.entries(row).filter(([k]) => k !== 'secret'));
    await audit.record(trx, ctx, { operation: 'DELETE', table: 'webhooks', recordId: row.id, accountId: row.account_id, before });
  }
  const hooks = await hookRows(trx, name);
  for (const row of hooks) {
    const scope = accountScope(row.account_id);
    await tenantTable(trx, scope, 'hook_executions').delete().where('hook_id', '=', row.id).execute();
    await tenantTable(trx, scope, 'hooks').delete().where('id', '=', row.id).execute();
    await audit.record(trx, ctx, { operation: 'DELETE', table: 'hooks', recordId: row.id, accountId: row.account_id, before: { ...row } });
  }
  return {
    webhooks: webhooks.map((r) => ({ id: r.id, account_id: r.account_id, label: r.url })),
    hooks: hooks.map((r) => ({ id: r.id, account_id: r.account_id, label: r.name })),
  };
}
