/**
 * API-defined hooks and their executions (spec §10.11): request/response schemas and wire types.
 * The trigger and the actions are checked in depth by the core (cron syntax, event names, action
 * shapes → 422); the schemas only fix the outer shape.
 */

/** Events an event hook can listen to. */
export const API_HOOK_EVENTS = ['records.create', 'records.update', 'records.delete', 'auth.login', 'auth.register'] as const;
export type ApiHookEvent = (typeof API_HOOK_EVENTS)[number];

/** How a hook is started. */
export const API_HOOK_TRIGGER_TYPES = ['schedule', 'event', 'manual'] as const;
export type ApiHookTriggerType = (typeof API_HOOK_TRIGGER_TYPES)[number];

/** What a hook can do, one action after the other. */
export const API_HOOK_ACTION_TYPES = ['send_webhook', 'enqueue_job', 'send_email', 'create_record', 'update_record', 'delete_record'] as const;
export type ApiHookActionType = (typeof API_HOOK_ACTION_TYPES)[number];

/** Outcome of one run. */
export const API_HOOK_EXECUTION_STATUSES = ['success', 'partial', 'failed'] as const;
export type ApiHookExecutionStatus = (typeof API_HOOK_EXECUTION_STATUSES)[number];

export type ApiHookTrigger =
  | { readonly type: 'schedule'; readonly cron: string }
  | { readonly type: 'event'; readonly event: ApiHookEvent; readonly collection?: string | null }
  | { readonly type: 'manual' };

/** One action: `type` plus its own fields (checked by the core). */
export interface ApiHookAction {
  readonly type: ApiHookActionType;
  readonly [key: string]: unknown;
}

const triggerSchema = { type: 'object', required: ['type'], properties: { type: { type: 'string' } } } as const;
const actionsSchema = { type: 'array', maxItems: 20, items: { type: 'object', required: ['type'], properties: { type: { type: 'string' } } } } as const;

export const createApiHookRequestSchema = {
  $id: 'ApiHookCreate',
  type: 'object',
  required: ['name', 'trigger'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    description: { type: ['string', 'null'], maxLength: 5000 },
    trigger: triggerSchema,
    condition: { type: ['string', 'null'], maxLength: 4096, description: 'Rule-language expression over the event record' },
    actions: actionsSchema,
    enabled: { type: 'boolean' },
  },
} as const;

/** `PATCH /hooks/{id}`: partial; null or absent = unchanged; `condition: ''` clears. */
export const updateApiHookRequestSchema = {
  $id: 'ApiHookUpdate',
  type: 'object',
  properties: {
    name: { type: ['string', 'null'], minLength: 1, maxLength: 200 },
    description: { type: ['string', 'null'], maxLength: 5000 },
    trigger: { ...triggerSchema, type: ['object', 'null'] },
    condition: { type: ['string', 'null'], maxLength: 4096 },
    actions: { ...actionsSchema, type: ['array', 'null'] },
    enabled: { type: ['boolean', 'null'] },
  },
} as const;

const PAGE_INT = { type: 'string', pattern: '^[0-9]{1,9}$' } as const;

/** `GET /hooks?trigger_type&enabled&limit=50(≤200)&offset=0`. */
export const apiHookListQuerySchema = {
  type: 'object',
  properties: { trigger_type: { enum: API_HOOK_TRIGGER_TYPES }, enabled: { enum: ['true', 'false'] }, limit: PAGE_INT, offset: PAGE_INT },
} as const;

/** `GET /hooks/{id}/executions?limit&offset`. */
export const apiHookPageQuerySchema = { type: 'object', properties: { limit: PAGE_INT, offset: PAGE_INT } } as const;

export const apiHookResponseSchema = {
  $id: 'ApiHookResponse',
  type: 'object',
  required: ['id', 'account_id', 'name', 'trigger', 'actions', 'enabled', 'created_at', 'updated_at'],
  properties: {
    id: { type: 'string' },
    account_id: { type: 'string' },
    name: { type: 'string' },
    description: { type: ['string', 'null'] },
    trigger: { type: 'object' },
    condition: { type: ['string', 'null'] },
    actions: { type: 'array', items: { type: 'object' } },
    enabled: { type: 'boolean' },
    last_run_at: { type: ['string', 'null'] },
    next_run_at: { type: ['string', 'null'] },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
    created_by: { type: ['string', 'null'] },
    cron: { type: ['string', 'null'] },
    cron_description: { type: ['string', 'null'] },
  },
} as const;

export const apiHookListResponseSchema = {
  $id: 'ApiHookList',
  type: 'object',
  required: ['items', 'total'],
  properties: { items: { type: 'array', items: apiHookResponseSchema }, total: { type: 'integer' } },
} as const;

export const apiHookExecutionListResponseSchema = {
  $id: 'ApiHookExecutionList',
  type: 'object',
  required: ['items', 'total'],
  properties: { items: { type: 'array', items: { type: 'object' } }, total: { type: 'integer' } },
} as const;

export const apiHookTriggerResponseSchema = {
  $id: 'ApiHookTriggerResponse',
  type: 'object',
  required: ['message'],
  properties: {
    message: { type: 'string' },
    job_id: { type: 'string' },
    status: { enum: API_HOOK_EXECUTION_STATUSES },
    actions_executed: { type: 'integer' },
    error: { type: ['string', 'null'] },
  },
} as const;

export interface ApiHookResponse {
  readonly id: string;
  readonly account_id: string;
  readonly name: string;
  readonly description: string | null;
  readonly trigger: ApiHookTrigger;
  readonly condition: string | null;
  readonly actions: ApiHookAction[];
  readonly enabled: boolean;
  readonly last_run_at: string | null;
  readonly next_run_at: string | null;
  readonly created_at: string;
  readonly updated_at: string;
  readonly created_by: string | null;
  /** The cron expression of a schedule hook, else null. */
  readonly cron: string | null;
  readonly cron_description: string | null;
}

export interface ApiHookListResponse {
  readonly items: ApiHookResponse[];
  readonly total: number;
}

export interface ApiHookExecutionResponse {
  readonly id: string;
  readonly hook_id: string;
  readonly trigger_type: string;
  readonly status: ApiHookExecutionStatus;
  readonly actions_executed: number;
  readonly error_message: string | null;
  readonly duration_ms: number | null;
  readonly execution_context: unknown;
  readonly executed_at: string;
}

export interface ApiHookExecutionListResponse {
  readonly items: ApiHookExecutionResponse[];
  readonly total: number;
}

/** `POST /hooks/{id}/trigger` (202): a job for schedule hooks, an inline run otherwise. */
export type ApiHookTriggerResponse =
  | { readonly message: 'Job enqueued successfully'; readonly job_id: string }
  | { readonly message: 'Hook executed'; readonly status: ApiHookExecutionStatus; readonly actions_executed: number; readonly error: string | null };
