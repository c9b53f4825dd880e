import type { Selectable } from 'kysely';
import type { WebhookDeliveryResponse, WebhookDeliveryStatus, WebhookEventKind, WebhookResponse } from '@snackbase/contract';
import { fromDbBool, fromDbJson, type WebhookDeliveriesTable, type WebhooksTable } from '@snackbase/db';
import { accountScope, allAccounts, type TenantScope } from '@snackbase/tenancy';
import type { Principal } from '../auth';
import type { RequestContext } from '../context';
import { notFound, unauthorized } from '../errors';

export type WebhookRow = Selectable<WebhooksTable>;
export type DeliveryRow = Selectable<WebhookDeliveriesTable>;
export type Caller = Extract<Principal, { kind: 'user' }>;

/** The same answer for "does not exist" and "not yours" (spec §10.10). */
export const webhookNotFound = () => notFound('Webhook not found');

/** The signed-in user of `ctx`, else a 401 (routes check first; this is the second lock). */
export function callerOf(ctx: RequestContext): Caller {
  if (ctx.principal.kind !== 'user') throw unauthorized();
  return ctx.principal;
}

/** Whose webhooks the caller may reach: their account, or every account for a superadmin. */
export function scopeOf(caller: Caller): TenantScope {
  return caller.isSuperadmin ? allAccounts('superadmin manages the webhooks of every account') : accountScope(caller.accountId);
}

/**
 * Whether the caller may see and manage this webhook. Payloads carry what the webhook's creator
 * may see, so another plain user must not read its deliveries or re-point its URL: a webhook is
 * reachable by its creator, the account's admins and superadmins; to anyone else it is a 404.
 */
export function mayManage(caller: Caller, row: Pick<WebhookRow, 'account_id' | 'created_by'>): boolean {
  if (caller.isSuperadmin) return true;
  if (row.account_id !== caller.accountId) return false;
  return caller.role === 'admin' || row.created_by === caller.userId;
}

/** The wire form of a webhook (never its secret). */
export function toWebhookResponse(row: WebhookRow): WebhookResponse {
  return {
    id: row.id,
    account_id: row.account_id,
    url: row.url,
    collection: row.collection,
    events: fromDbJson<WebhookEventKind[]>(row.events, []),
    filter: row.filter,
    enabled: fromDbBool(row.enabled),
    headers: fromDbJson<Record<string, string>>(row.headers, {}) ?? {},
    created_by: row.created_by,
    created_at: String(row.created_at),
    updated_at: String(row.updated_at),
  };
}

/** The wire form of a delivery log row. */
export function toDeliveryResponse(row: DeliveryRow): WebhookDeliveryResponse {
  return {
    id: row.id,
    webhook_id: row.webhook_id,
    event: row.event,
    payload: fromDbJson<unknown>(row.payload, null),
    status: row.status as WebhookDeliveryStatus,
    attempt_number: Number(row.attempt_number),
    response_status: row.response_status === null ? null : Number(row.response_status),
    response_body: row.response_body,
    error_message: row.error_message,
    delivered_at: row.delivered_at === null ? null : String(row.delivered_at),
    next_retry_at: row.next_retry_at === null ? null : String(row.next_retry_at),
    created_at: String(row.created_at),
  };
}
