import type { AppHooks } from '../events';
import type { WebhookEvent } from './webhook-event';
import type { Webhooks } from './create-webhooks';

/** The record's tenant: events belong to the record's account, never the actor's (§12.6 item 49). */
const accountOf = (row: Readonly<Record<string, unknown>>) => String(row['account_id'] ?? '');

/**
 * Subscribes webhook fan-out to the committed record events (ARCHITECTURE principle 7: side
 * effects hang off after-hooks). Locked: user code cannot unhook delivery. Each payload is then
 * cut to what the webhook's owner may see by the viewer given to `createWebhooks`.
 */
export function subscribeRecordWebhooks(hooks: AppHooks, webhooks: Pick<Webhooks, 'dispatch'>): void {
  const send = (event: WebhookEvent) => webhooks.dispatch(event).then(() => undefined);
  const options = (id: string) => ({ id: `webhooks:record-${id}`, priority: 200, locked: true });
  hooks.on('record.afterCreate', (p) => send({ accountId: accountOf(p.record), collection: p.collection, kind: 'create', record: p.record, previous: null }), options('create'));
  hooks.on('record.afterUpdate', (p) => send({ accountId: accountOf(p.record), collection: p.collection, kind: 'update', record: p.record, previous: p.previous }), options('update'));
  hooks.on('record.afterDelete', (p) => send({ accountId: accountOf(p.record), collection: p.collection, kind: 'delete', record: p.record, previous: null }), options('delete'));
}
