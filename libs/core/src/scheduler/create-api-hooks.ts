import { randomUUID } from 'node:crypto';
import type {
  ApiHookAction,
  ApiHookEvent,
  ApiHookExecutionListResponse,
  ApiHookListResponse,
  ApiHookResponse,
  ApiHookTrigger,
  ApiHookTriggerResponse,
  ApiHookTriggerType,
} from '@snackbase/contract';
import { fromDbBool, nowIso, type SystemDatabase } from '@snackbase/db';
import { SYSTEM_FIELDS, type FieldDefinition } from '@snackbase/rules';
import { accountScope, allAccounts, tenantTable, type TenantUpdate } from '@snackbase/tenancy';
import { createAccountRowsCache, type AccountRowsCache, type CacheBus } from '../cache-bus';
import type { AuditRecorder } from '../audit';
import type { RequestContext } from '../context';
import { badRequest, conflict, notFound } from '../errors';
import type { Logger } from '../logging';
import { checkWebhookFilter, filterMatches } from '../webhooks';
import { callerOf, mayManage, scopeOf, type Caller } from '../webhooks/webhook-rows';
import type { ActionDeps } from './hook-actions';
import { nextCronRun } from './hook-cron';
import { checkActions, checkTrigger } from './hook-definition';
import { hookNotFound, toExecutionResponse, toHookResponse, triggerOf, type HookRow } from './hook-rows';
import { createHookRunner, type RunResult } from './hook-runner';
import { SCHEDULED_HOOK_JOB, SCHEDULED_QUEUE, type ScheduledHookPayload } from './scheduled-job';

/** Hooks per account (spec §10.11; `SNACKBASE_MAX_HOOKS_PER_ACCOUNT` in the reference is hard-coded 50). */
export const MAX_HOOKS_PER_ACCOUNT = 50;

/** `POST /hooks` body. */
export interface CreateApiHookInput {
  readonly name: string;
  readonly description?: string | null;
  readonly trigger: unknown;
  readonly condition?: string | null;
  readonly actions?: unknown;
  readonly enabled?: boolean;
}

/** `PATCH /hooks/{id}`: partial, null = unchanged, `condition: ''` and `description: ''` clear. */
export type UpdateApiHookInput = { readonly [K in keyof CreateApiHookInput]?: CreateApiHookInput[K] | null };

export interface ApiHookListQuery {
  readonly trigger_type?: ApiHookTriggerType;
  readonly enabled?: boolean;
  readonly limit?: number;
  readonly offset?: number;
}

/** A committed event some hooks may listen to; `accountId` is the record's (or user's) account. */
export interface ApiHookEventInput {
  readonly accountId: string;
  readonly event: ApiHookEvent;
  readonly collection: string | null;
  readonly record: Readonly<Record<string, unknown>>;
  readonly actor?: { readonly userId: string; readonly email: string } | null;
  /** The depth of the hook run whose record action caused the event (RequestContext.hookDepth). */
  readonly hookDepth?: number;
  /** The request that caused the event: the runs' log lines name it. */
  readonly requestId?: string;
}

export interface ApiHooksDeps extends ActionDeps {
  readonly logger: Logger;
  readonly audit?: AuditRecorder;
  /** A collection's fields, to type-check conditions when the trigger names a known collection. */
  readonly collectionFields?: (collection: string) => Promise<readonly FieldDefinition[] | undefined>;
  readonly maxPerAccount?: number;
  /** When given, an account's hooks are cached per instance for event dispatch and every change here invalidates them (topic `api-hooks`). */
  readonly bus?: CacheBus;
}

/**
 * API-defined hooks of an account (spec §10.11, §12.6 items 43–45 fixed): CRUD confined to the
 * caller's account (another account's hook is a 404 "Hook not found"), managed by the account's
 * admins and the hook's creator; event hooks run after commit in the background; schedule hooks
 * run through the `scheduled_hook` job (see `createScheduler`).
 */
export interface ApiHooks {
  create(ctx: RequestContext, input: CreateApiHookInput): Promise<ApiHookResponse>;
  list(ctx: RequestContext, query?: ApiHookListQuery): Promise<ApiHookListResponse>;
  get(ctx: RequestContext, id: string): Promise<ApiHookResponse>;
  update(ctx: RequestContext, id: string, input: UpdateApiHookInput): Promise<ApiHookResponse>;
  remove(ctx: RequestContext, id: string): Promise<void>;
  toggle(ctx: RequestContext, id: string): Promise<ApiHookResponse>;
  /** Schedule hooks: enqueues a `scheduled_hook` job; others run inline (even when disabled). */
  trigger(ctx: RequestContext, id: string): Promise<ApiHookTriggerResponse>;
  executions(ctx: RequestContext, id: string, page?: { limit?: number; offset?: number }): Promise<ApiHookExecutionListResponse>;
  /** Starts the matching hooks of an event in the background; resolves at once, never rejects. */
  dispatch(event: ApiHookEventInput): Promise<void>;
  /** The `scheduled_hook` job handler: really runs the hook's actions (§12.6 item 45 fixed). */
  runScheduled(payload: ScheduledHookPayload): Promise<RunResult | undefined>;
  /** Resolves when every background run has settled (tests, shutdown). */
  idle(): Promise<void>;
}

const pageOf = (p: { limit?: number; offset?: number } = {}) => ({ limit: Math.min(Math.max(p.limit ?? 50, 1), 200), offset: Math.max(p.offset ?? 0, 0) });

/** When a schedule hook runs next: only enabled schedule hooks have a time. */
export function nextRunOf(trigger: ApiHookTrigger, enabled: boolean, from = new Date()): string | null {
  return enabled && trigger.type === 'schedule' ? nextCronRun(trigger.cron, from) : null;
}

export function createApiHooks(deps: ApiHooksDeps): ApiHooks {
  const { db, logger } = deps;
  const maxPerAccount = deps.maxPerAccount ?? MAX_HOOKS_PER_ACCOUNT;
  const runner = createHookRunner(deps);
  // Every record write looks the account's hooks up; they change rarely, so they are cached.
  const loadHooks = (accountId: string): Promise<HookRow[]> => tenantTable(db.kysely, accountScope(accountId), 'hooks').select().selectAll().orderBy('created_at').execute();
  const accountHooks: AccountRowsCache<HookRow> = deps.bus ? createAccountRowsCache(deps.bus, 'api-hooks', loadHooks) : { of: loadHooks };
  const changed = (accountId: string) => deps.bus?.invalidate('api-hooks', accountId);
  const inFlight = new Set<Promise<unknown>>();

  const track = (p: Promise<unknown>, requestId: string | undefined) => {
    const settled = p.catch((e: unknown) => logger.error('hook run failed', { request_id: requestId, error: (e as Error).message }));
    inFlight.add(settled);
    void settled.finally(() => inFlight.delete(settled));
  };

  /** Conditions are rule expressions over the record: typed when the collection is known, else permissive. */
  async function checkCondition(condition: string | null | undefined, trigger: ApiHookTrigger): Promise<void> {
    if (!condition || !condition.trim()) return;
    const collection = trigger.type === 'event' ? trigger.collection : null;
    const fields = collection ? await deps.collectionFields?.(collection) : undefined;
    const issues = checkWebhookFilter(condition, fields ? [...SYSTEM_FIELDS, ...fields] : undefined);
    if (issues.length) throw badRequest(`Invalid condition: ${issues[0].message}`, 'invalid_rule', issues.map((i) => ({ field: 'condition', message: i.message, code: i.code })));
  }

  async function findManaged(caller: Caller, id: string): Promise<HookRow> {
    const row = await tenantTable(db.kysely, scopeOf(caller), 'hooks').select().selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || !mayManage(caller, row)) throw hookNotFound();
    return row;
  }

  async function write(ctx: RequestContext, current: HookRow, changes: TenantUpdate<SystemDatabase, 'hooks'>): Promise<ApiHookResponse> {
    const row = await db.transaction(async (trx) => {
      const hooks = tenantTable(trx, accountScope(current.account_id), 'hooks');
      await hooks.update(changes).where('id', '=', current.id).execute();
      await deps.audit?.record(trx, ctx, { operation: 'UPDATE', table: 'hooks', recordId: current.id, accountId: current.account_id, before: { ...current }, after: { ...changes } });
      return hooks.select().selectAll().where('id', '=', current.id).executeTakeFirst();
    });
    changed(current.account_id);
    if (!row) throw hookNotFound();
    return toHookResponse(row);
  }

  async function runMatching(event: ApiHookEventInput): Promise<void> {
    for (const hook of await accountHooks.of(event.accountId)) {
      if (!fromDbBool(hook.enabled)) continue;
      const trigger = triggerOf(hook);
      if (trigger.type !== 'event' || trigger.event !== event.event) continue;
      if (trigger.collection && event.collection?.toLowerCase() !== trigger.collection.toLowerCase()) continue;
      // A condition that cannot be evaluated lets the run through (spec §10.11).
      if (!filterMatches(hook.condition, event.record)) continue;
      await runner.run(hook, { triggerType: 'event', record: event.record, actor: event.actor, context: { event: event.event, collection: event.collection }, depth: event.hookDepth, requestId: event.requestId });
    }
  }

  return {
    async create(ctx, input) {
      const caller = callerOf(ctx);
      const accountId = caller.accountId;
      const trigger = checkTrigger(input.trigger);
      const actions: ApiHookAction[] = checkActions(input.actions ?? []);
      await checkCondition(input.condition, trigger);
      const enabled = input.enabled ?? true;
      const now = nowIso();
      const id = randomUUID();
      const values = {
        id,
        name: input.name,
        description: input.description ?? null,
        trigger: JSON.stringify(trigger),
        condition: input.condition?.trim() ? input.condition : null,
        actions: JSON.stringify(actions),
        enabled,
        next_run_at: nextRunOf(trigger, enabled),
        created_by: caller.userId,
        created_at: now,
        updated_at: now,
      };
      const row = await db.transaction(async (trx) => {
        if (!(await trx.selectFrom('accounts').select('id').where('id', '=', accountId).executeTakeFirst())) throw notFound('Account not found');
        const hooks = tenantTable(trx, accountScope(accountId), 'hooks');
        const count = await hooks.select().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        if (Number(count.n) >= maxPerAccount) throw conflict(`Maximum number of hooks (${maxPerAccount}) reached for this account`);
        await hooks.insert(values).execute();
        await deps.audit?.record(trx, ctx, { operation: 'CREATE', table: 'hooks', recordId: id, accountId, after: { ...values, account_id: accountId } });
        return hooks.select().selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      });
      changed(accountId);
      return toHookResponse(row);
    },

    async list(ctx, query = {}) {
      const caller = callerOf(ctx);
      const { limit, offset } = pageOf(query);
      let q = tenantTable(db.kysely, scopeOf(caller), 'hooks').select();
      // Plain users see the hooks they created; admins the account's; superadmins all.
      if (!caller.isSuperadmin && caller.role !== 'admin') q = q.where('created_by', '=', caller.userId);
      if (query.enabled !== undefined) q = q.where('enabled', '=', query.enabled);
      // The trigger type lives in JSON; hooks per account are few (≤ 50), so filter in memory.
      const rows = (await q.selectAll().orderBy('created_at', 'desc').orderBy('id').execute()).filter((r) => !query.trigger_type || triggerOf(r).type === query.trigger_type);
      return { items: rows.slice(offset, offset + limit).map(toHookResponse), total: rows.length };
    },

    get: async (ctx, id) => toHookResponse(await findManaged(callerOf(ctx), id)),

    async update(ctx, id, input) {
      const current = await findManaged(callerOf(ctx), id);
      const trigger = input.trigger != null ? checkTrigger(input.trigger) : triggerOf(current);
      const actions = input.actions != null ? checkActions(input.actions) : undefined;
      const condition = input.condition != null ? (input.condition.trim() ? input.condition : null) : current.condition;
      await checkCondition(condition, trigger);
      const enabled = input.enabled ?? fromDbBool(current.enabled);
      const reschedule = input.trigger != null || input.enabled != null;
      return write(ctx, current, {
        ...(input.name != null ? { name: input.name } : {}),
        ...(input.description != null ? { description: input.description || null } : {}),
        ...(input.trigger != null ? { trigger: JSON.stringify(trigger) } : {}),
        ...(input.condition != null ? { condition } : {}),
        ...(actions ? { actions: JSON.stringify(actions) } : {}),
        ...(input.enabled != null ? { enabled } : {}),
        ...(reschedule ? { next_run_at: nextRunOf(trigger, enabled) } : {}),
        updated_at: nowIso(),
      });
    },

    async remove(ctx, id) {
      const current = await findManaged(callerOf(ctx), id);
      await db.transaction(async (trx) => {
        const scope = accountScope(current.account_id);
        await tenantTable(trx, scope, 'hook_executions').delete().where('hook_id', '=', id).execute();
        await tenantTable(trx, scope, 'hooks').delete().where('id', '=', id).execute();
        await deps.audit?.record(trx, ctx, { operation: 'DELETE', table: 'hooks', recordId: id, accountId: current.account_id, before: { ...current } });
      });
      changed(current.account_id);
    },

    async toggle(ctx, id) {
      const current = await findManaged(callerOf(ctx), id);
      const enabled = !fromDbBool(current.enabled);
      return write(ctx, current, { enabled, next_run_at: nextRunOf(triggerOf(current), enabled), updated_at: nowIso() });
    },

    async trigger(ctx, id) {
      const caller = callerOf(ctx);
      const hook = await findManaged(caller, id);
      if (triggerOf(hook).type === 'schedule') {
        const payload: ScheduledHookPayload = { hook_id: hook.id, account_id: hook.account_id, scheduled_for: nowIso(), manual: true };
        const job = await deps.jobs.enqueue(db, { handler: SCHEDULED_HOOK_JOB, queue: SCHEDULED_QUEUE, payload, accountId: hook.account_id, createdBy: caller.userId, maxRetries: 0 });
        return { message: 'Job enqueued successfully', job_id: job.id };
      }
      const result = await runner.run(hook, { triggerType: 'manual', actor: { userId: caller.userId, email: caller.email }, context: { manual: true } });
      if (!result) return { message: 'Hook executed', status: 'failed', actions_executed: 0, error: 'Hook nesting depth limit reached' };
      return { message: 'Hook executed', status: result.status, actions_executed: result.actionsExecuted, error: result.error };
    },

    async executions(ctx, id, page) {
      const hook = await findManaged(callerOf(ctx), id);
      const { limit, offset } = pageOf(page);
      const q = tenantTable(db.kysely, accountScope(hook.account_id), 'hook_executions').select().where('hook_id', '=', id);
      const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const rows = await q.selectAll().orderBy('executed_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute();
      return { items: rows.map(toExecutionResponse), total: Number(total.n) };
    },

    async dispatch(event) {
      if (!event.accountId) return;
      // Never delays the request that caused the event: the runs go on after this resolves.
      track(runMatching(event), event.requestId);
    },

    async runScheduled(payload) {
      const hook = await tenantTable(db.kysely, allAccounts('scheduled hook job names its hook by id'), 'hooks')
        .select()
        .selectAll()
        .where('id', '=', payload.hook_id)
        .where('account_id', '=', payload.account_id)
        .executeTakeFirst();
      // A hook deleted or disabled since it was claimed does nothing (a manual trigger still runs).
      if (!hook || (!fromDbBool(hook.enabled) && !payload.manual)) return undefined;
      return runner.run(hook, { triggerType: 'schedule', context: { scheduled_for: payload.scheduled_for, manual: payload.manual ?? false } });
    },

    async idle() {
      while (inFlight.size) await Promise.all([...inFlight]);
    },
  };
}
