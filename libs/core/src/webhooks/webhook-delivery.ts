import { nowIso, type SnackDatabase } from '@snackbase/db';
import { accountScope, tenantTable } from '@snackbase/tenancy';
import type { Logger } from '../logging';
import { isOutboundBlockedError, safeRequest, type ResolveHost } from '../outbound';
import { SIGNATURE_HEADER, signatureHeader } from './webhook-signature';

/** How deliveries reach the network. */
export interface OutboundSettings {
  /** CIDRs that may be contacted although private; already emptied in production. */
  readonly allowPrivate: readonly string[];
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  /** Host name resolver (tests inject one). */
  readonly resolve?: ResolveHost;
  readonly userAgent: string;
}

/** One webhook as a delivery needs it (the secret already decrypted, in memory only). */
export interface DeliveryTarget {
  readonly webhookId: string;
  readonly accountId: string;
  readonly url: string;
  readonly secret: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** What one attempt produced. */
export interface AttemptResult {
  readonly success: boolean;
  readonly status: number | null;
  readonly responseBody: string | null;
  readonly error: string | null;
  readonly durationMs: number;
  /** A policy refusal (SSRF): retrying cannot help. */
  readonly blocked: boolean;
}

/** Spec §10.10: stored response bodies are cut to 5000 characters. */
export const RESPONSE_BODY_MAX = 5000;

/** POSTs `body` once, signed now; never throws. */
export async function attemptDelivery(target: DeliveryTarget, deliveryId: string, eventName: string, body: string, outbound: OutboundSettings): Promise<AttemptResult> {
  const started = Date.now();
  const headers = {
    ...target.headers,
    'content-type': 'application/json',
    'user-agent': outbound.userAgent,
    [SIGNATURE_HEADER]: signatureHeader(target.secret, body, Math.floor(Date.now() / 1000)),
    'X-SnackBase-Event': eventName,
    'X-SnackBase-Delivery': deliveryId,
    'X-SnackBase-Webhook-Id': target.webhookId,
  };
  try {
    const res = await safeRequest(target.url, { method: 'POST', headers, body, timeoutMs: outbound.timeoutMs, maxResponseBytes: outbound.maxResponseBytes, allowPrivate: outbound.allowPrivate, resolve: outbound.resolve });
    const success = res.status >= 200 && res.status < 300;
    const text = res.body.toString('utf8').slice(0, RESPONSE_BODY_MAX);
    // A redirect is an answer, not a place to go: following it would skip the address check.
    const error = success ? null : res.status >= 300 && res.status < 400 ? `Redirect (HTTP ${res.status}) not followed` : `HTTP ${res.status}`;
    return { success, status: res.status, responseBody: text, error, durationMs: res.durationMs, blocked: false };
  } catch (e) {
    return { success: false, status: null, responseBody: null, error: (e as Error).message, durationMs: Date.now() - started, blocked: isOutboundBlockedError(e) };
  }
}

/** What the retry loop needs. */
export interface RetryDeps {
  readonly db: SnackDatabase;
  readonly logger: Logger;
  readonly outbound: OutboundSettings;
  /** Attempts in all (first + retries). */
  readonly maxAttempts: number;
  /** Delay before retry n (1-based) in ms: `baseDelayMs · 2^(n-1)`. */
  readonly baseDelayMs: number;
  /** Resolves a sleep early when the process stops (the row stays `retrying`). */
  readonly sleep: (ms: number) => Promise<boolean>;
}

/** Where an attempt leaves a delivery: whether it was the last, and the wait before the next. */
export interface AttemptOutcome {
  readonly last: boolean;
  readonly delayMs: number;
}

/**
 * Writes attempt `attempt`'s result to the delivery row (attempt_number, status, response,
 * error, next_retry_at) and says whether another attempt follows. Its own statement: never
 * inside a transaction, and the network call before it held no connection.
 */
export async function recordAttempt(
  deps: Pick<RetryDeps, 'db' | 'logger' | 'maxAttempts' | 'baseDelayMs'>,
  target: Pick<DeliveryTarget, 'accountId' | 'webhookId'>,
  deliveryId: string,
  attempt: number,
  result: AttemptResult,
): Promise<AttemptOutcome> {
  const last = result.success || result.blocked || attempt >= deps.maxAttempts;
  const delayMs = deps.baseDelayMs * 2 ** (attempt - 1);
  const status = result.success ? 'delivered' : last ? 'failed' : 'retrying';
  await tenantTable(deps.db.kysely, accountScope(target.accountId), 'webhook_deliveries')
    .update({
      status,
      attempt_number: attempt,
      response_status: result.status,
      response_body: result.responseBody,
      error_message: result.error,
      delivered_at: result.success ? nowIso() : null,
      next_retry_at: last ? null : new Date(Date.now() + delayMs).toISOString(),
    })
    .where('id', '=', deliveryId)
    .execute();
  if (!result.success) deps.logger.warn('webhook delivery failed', { webhook: target.webhookId, delivery: deliveryId, attempt, error: result.error });
  return { last, delayMs };
}

/**
 * Delivers with in-process retries and exponential backoff (used when no job queue is wired,
 * e.g. a library user without a worker). With the job queue, the dispatcher makes one attempt
 * here (`maxAttempts` reached or not) and schedules the next as a job instead of sleeping.
 */
export async function deliverWithRetries(deps: RetryDeps, target: DeliveryTarget, deliveryId: string, eventName: string, body: string, firstAttempt = 1): Promise<AttemptResult> {
  for (let attempt = firstAttempt; ; attempt++) {
    const result = await attemptDelivery(target, deliveryId, eventName, body, deps.outbound);
    const { last, delayMs } = await recordAttempt(deps, target, deliveryId, attempt, result);
    if (last) return result;
    if (!(await deps.sleep(delayMs))) return result;
  }
}
