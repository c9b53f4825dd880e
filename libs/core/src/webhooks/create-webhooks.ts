import { randomBytes, randomUUID } from 'node:crypto';
import type { WebhookCreatedResponse, WebhookDeliveryListResponse, WebhookEventKind, WebhookListResponse, WebhookResponse, WebhookTestResponse } from '@snackbase/contract';
import { nowIso, type SnackDatabase } from '@snackbase/db';
import type { FieldDefinition } from '@snackbase/rules';
import { accountScope, tenantTable } from '@snackbase/tenancy';
import type { CacheBus } from '../cache-bus';
import type { AuditRecorder } from '../audit';
import type { RequestContext } from '../context';
import { badRequest, invalidRequest, notFound } from '../errors';
import type { Logger } from '../logging';
import { effectiveAllowPrivate, type ResolveHost } from '../outbound';
import { createSecretBox } from './secret-box';
import { createWebhookDispatcher, type DeliveryRetry } from './webhook-dispatcher';
import type { WebhookEvent, WebhookViewer } from './webhook-event';
import { checkWebhookFilter } from './webhook-filter';
import { callerOf, mayManage, scopeOf, toDeliveryResponse, toWebhookResponse, webhookNotFound, type Caller, type WebhookRow } from './webhook-rows';
import { reservedHeader, webhookUrlProblem } from './webhook-url';

/** `POST /webhooks` body (spec §10.10). */
export interface CreateWebhookInput {
  readonly url: string;
  readonly collection: string;
  readonly events: readonly WebhookEventKind[];
  readonly secret?: string | null;
  readonly filter?: string | null;
  readonly enabled?: boolean;
  readonly headers?: Readonly<Record<string, string>> | null;
  /** Honoured for superadmins only. */
  readonly account_id?: string | null;
}

/** `PUT /webhooks/{id}` body: partial, null = unchanged, `filter: ''` clears. */
export type UpdateWebhookInput = { readonly [K in 'url' | 'collection' | 'events' | 'filter' | 'enabled' | 'headers']?: CreateWebhookInput[K] | null };

/** `limit` (default 50, at most 200) and `offset`. */
export interface WebhookPage {
  readonly limit?: number;
  readonly offset?: number;
}

/** What {@link createWebhooks} needs; the settings come from the config. */
export interface WebhooksDeps {
  readonly db: SnackDatabase;
  readonly logger: Logger;
  /** `secrets.encryptionKey`: webhook secrets are sealed with a key derived from it. */
  readonly encryptionKey: string;
  readonly environment: 'development' | 'production' | 'testing';
  /** `SNACKBASE_OUTBOUND_ALLOW_PRIVATE`; ignored in production. */
  readonly allowPrivate?: readonly string[];
  /** `SNACKBASE_MAX_WEBHOOKS_PER_ACCOUNT` (20). */
  readonly maxPerAccount?: number;
  /** `SNACKBASE_WEBHOOK_TIMEOUT_SECONDS` × 1000 (30 000). */
  readonly timeoutMs?: number;
  /** Attempts per delivery (5) and the first retry delay (60 000 ms, doubling). */
  readonly maxAttempts?: number;
  readonly retryBaseDelayMs?: number;
  /** Cuts payload rows to what the webhook's owner may see; see `defaultWebhookViewer`. */
  readonly viewer?: WebhookViewer;
  /** A collection's fields, to type-check filters when its schema is known. */
  readonly filterFields?: (accountId: string, collection: string) => Promise<readonly FieldDefinition[] | undefined>;
  /** Writes are audited in their transaction when given. */
  readonly audit?: AuditRecorder;
  /** Host name resolver for deliveries (tests). */
  readonly resolve?: ResolveHost;
  /** When given, an account's webhooks are cached per instance and every change here invalidates them (topic `webhooks`). */
  readonly bus?: CacheBus;
  readonly userAgent?: string;
  /** Schedules retries on the job queue (see `createWebhookDispatcher`); register {@link Webhooks.retryDelivery} as its handler. */
  readonly scheduleRetry?: (retry: DeliveryRetry) => Promise<void>;
}

/**
 * Outbound webhooks of an account (spec §10.10, §12.6 items 48–49). Every call is confined to
 * the caller's account (superadmins: every account); a webhook is reachable by its creator, the
 * account's admins and superadmins, and a 404 "Webhook not found" to everyone else.
 */
export interface Webhooks {
  /** The answer carries the secret; it is never shown again and is stored encrypted. */
  create(ctx: RequestContext, input: CreateWebhookInput): Promise<WebhookCreatedResponse>;
  list(ctx: RequestContext, page?: WebhookPage): Promise<WebhookListResponse>;
  get(ctx: RequestContext, id: string): Promise<WebhookResponse>;
  update(ctx: RequestContext, id: string, input: UpdateWebhookInput): Promise<WebhookResponse>;
  remove(ctx: RequestContext, id: string): Promise<void>;
  /** The delivery log, newest first. */
  deliveries(ctx: RequestContext, id: string, page?: WebhookPage): Promise<WebhookDeliveryListResponse>;
  /** Delivers a sample payload now (one attempt, logged) and reports what the receiver said. */
  test(ctx: RequestContext, id: string): Promise<WebhookTestResponse>;
  /**
   * Fans an event out to the matching enabled webhooks of `event.accountId`: logs a `pending`
   * delivery per webhook and delivers in the background. Resolves with the delivery ids once
   * they are logged; never rejects (failures are logged). Subscribe it to after-commit hooks.
   */
  dispatch(event: WebhookEvent): Promise<string[]>;
  /** Runs the next attempt of a delivery scheduled by `scheduleRetry` (the job handler). */
  retryDelivery(retry: DeliveryRetry): Promise<void>;
  /** Resolves when every background delivery has settled (tests, graceful shutdown). */
  idle(): Promise<void>;
  /** Stops waiting retries (their rows stay `retrying`) and waits for deliveries in flight. */
  close(): Promise<void>;
}

const pageOf = (page: WebhookPage = {}) => ({ limit: Math.min(Math.max(page.limit ?? 50, 1), 200), offset: Math.max(page.offset ?? 0, 0) });
const unique = <T>(items: readonly T[]) => [...new Set(items)];
const auditRow = (row: Record<string, unknown>) => Object.fromEntries(Object.entries(row).filter(([k]) => k !== 'secret'));

/** @example const webhooks = createWebhooks({ db, logger, encryptionKey: secrets.encryptionKey, environment: config.environment }); */
export function createWebhooks(deps: WebhooksDeps): Webhooks {
  const { db } = deps;
  const production = deps.environment === 'production';
  const allowPrivate = effectiveAllowPrivate(deps.environment, deps.allowPrivate ?? []);
  const box = createSecretBox(deps.encryptionKey, 'webhook-secret');
  const maxPerAccount = deps.maxPerAccount ?? 20;
  const dispatcher = createWebhookDispatcher({ ...deps, box, allowPrivate });

  async function checkInput(input: UpdateWebhookInput, accountId: string, collection: string): Promise<void> {
    const urlProblem = input.url ? webhookUrlProblem(input.url, production, allowPrivate) : null;
    if (urlProblem) throw invalidRequest([{ field: 'body.url', message: urlProblem, code: 'url' }], urlProblem);
    const header = input.headers ? reservedHeader(input.headers) : null;
    if (header) throw invalidRequest([{ field: `body.headers.${header}`, message: 'This header cannot be set', code: 'reserved_header' }], `Header ${header} cannot be set`);
    if (input.filter && input.filter.trim()) {
      const issues = checkWebhookFilter(input.filter, await deps.filterFields?.(accountId, collection));
      if (issues.length) throw badRequest(`Invalid filter expression: ${issues[0].message}`, 'validation_failed', issues.map((i) => ({ field: 'filter', message: i.message, code: i.code })));
    }
  }

  async function findManaged(caller: Caller, id: string): Promise<WebhookRow> {
    const row = await tenantTable(db.kysely, scopeOf(caller), 'webhooks').select().selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || !mayManage(caller, row)) throw webhookNotFound();
    return row;
  }

  return {
    async create(ctx, input) {
      const caller = callerOf(ctx);
      const accountId = caller.isSuperadmin && input.account_id ? input.account_id : caller.accountId;
      await checkInput(input, accountId, input.collection);
      const id = randomUUID();
      if (input.secret != null && (input.secret.length < 16 || input.secret.length > 100)) {
        throw invalidRequest([{ field: 'body.secret', message: 'must be 16 to 100 characters', code: 'length' }]);
      }
      const secret = input.secret ?? randomBytes(32).toString('hex');
      const now = nowIso();
      const values = {
        id,
        url: input.url,
        collection: input.collection,
        events: JSON.stringify(unique(input.events)),
        secret: box.seal(secret, id),
        filter: input.filter?.trim() ? input.filter : null,
        enabled: input.enabled ?? true,
        headers: JSON.stringify(input.headers ?? {}),
        created_by: caller.userId,
        created_at: now,
        updated_at: now,
      };
      const row = await db.transaction(async (trx) => {
        if (!(await trx.selectFrom('accounts').select('id').where('id', '=', accountId).executeTakeFirst())) throw notFound('Account not found');
        const webhooks = tenantTable(trx, accountScope(accountId), 'webhooks');
        const count = await webhooks.select().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        if (Number(count.n) >= maxPerAccount) throw badRequest(`Maximum number of webhooks (${maxPerAccount}) reached for this account`);
        await webhooks.insert(values).execute();
        await deps.audit?.record(trx, ctx, { operation: 'CREATE', table: 'webhooks', recordId: id, accountId, after: auditRow({ ...values, account_id: accountId }) });
        return webhooks.select().selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      });
      deps.bus?.invalidate('webhooks', accountId);
      return { ...toWebhookResponse(row), secret };
    },

    async list(ctx, page) {
      const caller = callerOf(ctx);
      const { limit, offset } = pageOf(page);
      let query = tenantTable(db.kysely, scopeOf(caller), 'webhooks').select();
      // Plain users see the webhooks they created; admins the account's; superadmins all.
      if (!caller.isSuperadmin && caller.role !== 'admin') query = query.where('created_by', '=', caller.userId);
      const total = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const rows = await query.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(limit).offset(offset).execute();
      return { items: rows.map(toWebhookResponse), total: Number(total.n) };
    },

    get: async (ctx, id) => toWebhookResponse(await findManaged(callerOf(ctx), id)),

    async update(ctx, id, input) {
      const caller = callerOf(ctx);
      const current = await findManaged(caller, id);
      await checkInput(input, current.account_id, input.collection ?? current.collection);
      const changes = {
        ...(input.url != null ? { url: input.url } : {}),
        ...(input.collection != null ? { collection: input.collection } : {}),
        ...(input.events != null ? { events: JSON.stringify(unique(input.events)) } : {}),
        ...(input.filter != null ? { filter: input.filter.trim() ? input.filter : null } : {}),
        ...(input.enabled != null ? { enabled: input.enabled } : {}),
        ...(input.headers != null ? { headers: JSON.stringify(input.headers) } : {}),
        updated_at: nowIso(),
      };
      const row = await db.transaction(async (trx) => {
        const webhooks = tenantTable(trx, accountScope(current.account_id), 'webhooks');
        await webhooks.update(changes).where('id', '=', id).execute();
        await deps.audit?.record(trx, ctx, { operation: 'UPDATE', table: 'webhooks', recordId: id, accountId: current.account_id, before: auditRow(current), after: changes });
        return webhooks.select().selectAll().where('id', '=', id).executeTakeFirst();
      });
      deps.bus?.invalidate('webhooks', current.account_id);
      if (!row) throw webhookNotFound();
      return toWebhookResponse(row);
    },

    async remove(ctx, id) {
      const current = await findManaged(callerOf(ctx), id);
      await db.transaction(async (trx) => {
        const scope = accountScope(current.account_id);
        await tenantTable(trx, scope, 'webhook_deliveries').delete().where('webhook_id', '=', id).execute();
        await tenantTable(trx, scope, 'webhooks').delete().where('id', '=', id).execute();
        await deps.audit?.record(trx, ctx, { operation: 'DELETE', table: 'webhooks', recordId: id, accountId: current.account_id, before: auditRow(current) });
      });
      deps.bus?.invalidate('webhooks', current.account_id);
    },

    async deliveries(ctx, id, page) {
      const webhook = await findManaged(callerOf(ctx), id);
      const { limit, offset } = pageOf(page);
      const query = tenantTable(db.kysely, accountScope(webhook.account_id), 'webhook_deliveries').select().where('webhook_id', '=', id);
      const total = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const rows = await query.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute();
      return { items: rows.map(toDeliveryResponse), total: Number(total.n) };
    },

    test: async (ctx, id) => dispatcher.test(await findManaged(callerOf(ctx), id)),
    dispatch: (event) => dispatcher.dispatch(event),
    retryDelivery: (retry) => dispatcher.retryDelivery(retry),
    idle: () => dispatcher.idle(),
    close: () => dispatcher.close(),
  };
}
