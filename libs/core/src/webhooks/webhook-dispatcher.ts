import { randomUUID } from 'node:crypto';
import type { WebhookEventKind, WebhookTestResponse } from '@snackbase/contract';
import { fromDbBool, fromDbJson, nowIso, type SnackDatabase } from '@snackbase/db';
import { createAstCache } from '@snackbase/rules';
import { accountScope, tenantTable } from '@snackbase/tenancy';
import { createAccountRowsCache, type AccountRowsCache, type CacheBus } from '../cache-bus';
import type { Logger } from '../logging';
import type { ResolveHost } from '../outbound';
import type { SecretBox } from './secret-box';
import { attemptDelivery, deliverWithRetries, recordAttempt, type DeliveryTarget, type OutboundSettings } from './webhook-delivery';
import { defaultWebhookViewer, wireEventName, type EventRow, type WebhookEvent, type WebhookOwner, type WebhookViewer } from './webhook-event';
import { filterMatches } from './webhook-filter';
import { loadOwner } from './webhook-owner';
import type { WebhookRow } from './webhook-rows';

/** What the dispatcher needs (assembled by `createWebhooks`). */
export interface DispatcherDeps {
  readonly db: SnackDatabase;
  readonly logger: Logger;
  readonly box: SecretBox;
  readonly allowPrivate: readonly string[];
  readonly viewer?: WebhookViewer;
  readonly timeoutMs?: number;
  readonly maxAttempts?: number;
  readonly retryBaseDelayMs?: number;
  readonly resolve?: ResolveHost;
  readonly userAgent?: string;
  /** Caches each account's webhooks per instance (topic `webhooks`); without it every event queries them. */
  readonly bus?: CacheBus;
  /**
   * Schedules the next attempt of a failed delivery on the job queue (at `runAt`), so retries
   * survive restarts and spread over instances. Without it, retries sleep in this process.
   */
  readonly scheduleRetry?: (retry: DeliveryRetry) => Promise<void>;
}

/** A delivery's next attempt, as the job queue carries it: ids only, never the secret. */
export interface DeliveryRetry {
  readonly delivery_id: string;
  readonly account_id: string;
  readonly run_at: string;
}

/** The body of a delivery (spec §10.10), serialised once: the signature covers these bytes. */
function payloadOf(event: string, collection: string, record: EventRow, previous: EventRow | null, webhook: WebhookRow) {
  return { event, collection, record, previous, timestamp: nowIso(), webhook_id: webhook.id, account_id: webhook.account_id };
}

/**
 * The rows an owner may see of an event, or null when they may see none of it. The record of a
 * delete is `{}` and the deleted row goes to `previous` (spec §10.10).
 */
async function visibleRows(viewer: WebhookViewer, owner: WebhookOwner, event: WebhookEvent): Promise<{ record: EventRow; previous: EventRow | null; subject: EventRow } | null> {
  const record = await viewer(owner, event.collection, event.record);
  if (!record) return null;
  const previous = event.previous ? await viewer(owner, event.collection, event.previous) : null;
  if (event.kind === 'delete') return { record: {}, previous: record, subject: record };
  return { record, previous, subject: record };
}

/** Fan-out, background delivery with retries, and the test delivery. */
export function createWebhookDispatcher(deps: DispatcherDeps) {
  const { db, logger } = deps;
  const viewer = deps.viewer ?? defaultWebhookViewer;
  const filters = createAstCache({ maxEntries: 500 });
  const loadWebhooks = (accountId: string): Promise<WebhookRow[]> => tenantTable(db.kysely, accountScope(accountId), 'webhooks').select().selectAll().execute();
  const accountWebhooks: AccountRowsCache<WebhookRow> = deps.bus
    ? createAccountRowsCache(deps.bus, 'webhooks', loadWebhooks)
    : { of: loadWebhooks };
  const inFlight = new Set<Promise<unknown>>();
  const sleepers = new Set<() => void>();
  let closing = false;
  const outbound: OutboundSettings = {
    allowPrivate: deps.allowPrivate,
    timeoutMs: deps.timeoutMs ?? 30_000,
    maxResponseBytes: 256 * 1024,
    resolve: deps.resolve,
    userAgent: deps.userAgent ?? 'SnackBase-Webhooks/1',
  };
  const sleep = (ms: number) =>
    new Promise<boolean>((resolve) => {
      if (closing) return resolve(false);
      const wake = () => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve(!closing);
      };
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
    });
  const retry = { db, logger, outbound, maxAttempts: deps.maxAttempts ?? 5, baseDelayMs: deps.retryBaseDelayMs ?? 60_000, sleep };

  /** One attempt now; a failure that may be retried is handed to the job queue. */
  async function attemptAndSchedule(target: DeliveryTarget, deliveryId: string, eventName: string, body: string, attempt: number): Promise<void> {
    const result = await attemptDelivery(target, deliveryId, eventName, body, outbound);
    const { last, delayMs } = await recordAttempt(retry, target, deliveryId, attempt, result);
    if (!last && deps.scheduleRetry) {
      await deps.scheduleRetry({ delivery_id: deliveryId, account_id: target.accountId, run_at: new Date(Date.now() + delayMs).toISOString() });
    }
  }

  function deliver(target: DeliveryTarget, deliveryId: string, eventName: string, body: string): Promise<unknown> {
    return deps.scheduleRetry ? attemptAndSchedule(target, deliveryId, eventName, body, 1) : deliverWithRetries(retry, target, deliveryId, eventName, body);
  }

  /**
   * The job behind a scheduled retry: the next attempt of a delivery that is still `retrying`
   * (a disabled or deleted webhook, or a delivery already settled, ends it quietly).
   */
  async function retryDelivery(job: DeliveryRetry): Promise<void> {
    const scope = accountScope(job.account_id);
    const delivery = await tenantTable(db.kysely, scope, 'webhook_deliveries').select().selectAll().where('id', '=', job.delivery_id).executeTakeFirst();
    if (!delivery || delivery.status !== 'retrying') return;
    const webhook = await tenantTable(db.kysely, scope, 'webhooks').select().selectAll().where('id', '=', delivery.webhook_id).executeTakeFirst();
    if (!webhook || !fromDbBool(webhook.enabled)) {
      await tenantTable(db.kysely, scope, 'webhook_deliveries').update({ status: 'failed', error_message: 'Webhook disabled or deleted before the retry', next_retry_at: null }).where('id', '=', delivery.id).execute();
      return;
    }
    const target = await targetOf(webhook, delivery.id);
    if (!target) return;
    const body = typeof delivery.payload === 'string' ? delivery.payload : JSON.stringify(delivery.payload);
    await attemptAndSchedule(target, delivery.id, delivery.event, body, Number(delivery.attempt_number) + 1);
  }

  /** The target with its secret opened, or null (and the delivery failed) when it cannot be. */
  async function targetOf(webhook: WebhookRow, deliveryId: string): Promise<DeliveryTarget | null> {
    try {
      const secret = deps.box.open(webhook.secret, webhook.id);
      return { webhookId: webhook.id, accountId: webhook.account_id, url: webhook.url, secret, headers: fromDbJson<Record<string, string>>(webhook.headers, {}) ?? {} };
    } catch {
      const error = 'Webhook secret cannot be decrypted (was SNACKBASE_ENCRYPTION_KEY changed?)';
      await tenantTable(db.kysely, accountScope(webhook.account_id), 'webhook_deliveries').update({ status: 'failed', error_message: error }).where('id', '=', deliveryId).execute();
      logger.error('webhook secret unreadable', { webhook: webhook.id });
      return null;
    }
  }

  async function logDelivery(webhook: WebhookRow, event: string, payload: object): Promise<string> {
    const id = randomUUID();
    await tenantTable(db.kysely, accountScope(webhook.account_id), 'webhook_deliveries')
      .insert({ id, webhook_id: webhook.id, event, payload: JSON.stringify(payload), status: 'pending', attempt_number: 0, created_at: nowIso() })
      .execute();
    return id;
  }

  function background(work: Promise<unknown>): void {
    const tracked = work.catch((e: Error) => logger.error('webhook delivery crashed', { error: e.message })).finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  }

  /** One webhook's share of an event: null when it does not apply or its owner may not see it. */
  async function prepare(webhook: WebhookRow, event: WebhookEvent, owners: Map<string, Promise<WebhookOwner | null>>) {
    if (!fromDbJson<WebhookEventKind[]>(webhook.events, []).includes(event.kind)) return null;
    const ownerId = webhook.created_by ?? '';
    if (!owners.has(ownerId)) owners.set(ownerId, loadOwner(db.kysely, webhook.created_by));
    const owner = await owners.get(ownerId);
    if (!owner || (!owner.isSuperadmin && owner.accountId !== webhook.account_id)) return null;
    const rows = await visibleRows(viewer, owner, event);
    // The filter sees what the owner sees, so it cannot probe hidden fields.
    if (!rows || !filterMatches(webhook.filter, rows.subject, filters)) return null;
    return payloadOf(wireEventName(event.kind), event.collection, rows.record, rows.previous, webhook);
  }

  async function dispatch(event: WebhookEvent): Promise<string[]> {
    if (closing) return [];
    try {
      const webhooks = (await accountWebhooks.of(event.accountId)).filter((w) => w.collection === event.collection);
      const owners = new Map<string, Promise<WebhookOwner | null>>();
      const ids: string[] = [];
      for (const webhook of webhooks.filter((w) => fromDbBool(w.enabled))) {
        const payload = await prepare(webhook, event, owners);
        if (!payload) continue;
        const deliveryId = await logDelivery(webhook, payload.event, payload);
        ids.push(deliveryId);
        background(
          targetOf(webhook, deliveryId).then((target) => target && deliver(target, deliveryId, payload.event, JSON.stringify(payload))),
        );
      }
      return ids;
    } catch (e) {
      logger.error('webhook dispatch failed', { account: event.accountId, collection: event.collection, error: (e as Error).message });
      return [];
    }
  }

  async function test(webhook: WebhookRow): Promise<WebhookTestResponse> {
    const payload = payloadOf('test', webhook.collection, { id: 'test-record', example: 'data' }, null, webhook);
    const deliveryId = await logDelivery(webhook, 'test', payload);
    const target = await targetOf(webhook, deliveryId);
    if (!target) return { success: false, status_code: null, response_body: null, error: 'Webhook secret cannot be decrypted', delivery_id: deliveryId, duration_ms: 0 };
    const result = await deliverWithRetries({ ...retry, maxAttempts: 1 }, target, deliveryId, 'test', JSON.stringify(payload));
    return { success: result.success, status_code: result.status, response_body: result.responseBody, error: result.error, delivery_id: deliveryId, duration_ms: result.durationMs };
  }

  return {
    dispatch,
    test,
    retryDelivery,
    async idle(): Promise<void> {
      while (inFlight.size) await Promise.allSettled([...inFlight]);
    },
    async close(): Promise<void> {
      closing = true;
      for (const wake of [...sleepers]) wake();
      while (inFlight.size) await Promise.allSettled([...inFlight]);
    },
  };
}
