/**
 * Outbound webhooks (spec §10.10): request/response schemas and wire types. Unknown keys in
 * request bodies are ignored; `account_id` on create is honoured for superadmins only.
 */

/** Record events a webhook can subscribe to, plus the auth events (`login`, `register`). */
export const WEBHOOK_EVENTS = ['create', 'update', 'delete', 'login', 'register'] as const;
export type WebhookEventKind = (typeof WEBHOOK_EVENTS)[number];

/** Delivery states (spec §10.10). */
export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'retrying'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

const headersSchema = {
  type: 'object',
  maxProperties: 20,
  propertyNames: { pattern: '^[A-Za-z0-9!#$%&\'*+.^_`|~-]{1,100}$' },
  additionalProperties: { type: 'string', maxLength: 2000 },
} as const;

const eventsSchema = { type: 'array', minItems: 1, maxItems: 5, items: { enum: WEBHOOK_EVENTS } } as const;

export const createWebhookRequestSchema = {
  $id: 'WebhookCreate',
  type: 'object',
  required: ['url', 'collection', 'events'],
  properties: {
    url: { type: 'string', minLength: 1, maxLength: 2048 },
    collection: { type: 'string', minLength: 1, maxLength: 64 },
    events: eventsSchema,
    secret: { type: ['string', 'null'], minLength: 16, maxLength: 100, description: 'Signing secret; generated (64 hex) when absent' },
    filter: { type: ['string', 'null'], maxLength: 4096, description: 'Rule-language expression over the event record' },
    enabled: { type: 'boolean' },
    headers: { ...headersSchema, type: ['object', 'null'] },
    account_id: { type: ['string', 'null'], maxLength: 36, description: 'Target account; honoured for superadmins only, ignored otherwise' },
  },
} as const;

/** `PUT /webhooks/{id}`: partial; null or absent = unchanged; the secret cannot be changed. */
export const updateWebhookRequestSchema = {
  $id: 'WebhookUpdate',
  type: 'object',
  properties: {
    url: { type: ['string', 'null'], minLength: 1, maxLength: 2048 },
    collection: { type: ['string', 'null'], minLength: 1, maxLength: 64 },
    events: { ...eventsSchema, type: ['array', 'null'] },
    filter: { type: ['string', 'null'], maxLength: 4096, description: 'An empty string clears the filter' },
    enabled: { type: ['boolean', 'null'] },
    headers: { ...headersSchema, type: ['object', 'null'] },
  },
} as const;

const PAGE_INT = { type: 'string', pattern: '^[0-9]{1,9}$' } as const;

/** `GET /webhooks?limit&offset` and `GET /webhooks/{id}/deliveries?limit=50(≤200)&offset=0`. */
export const webhookPageQuerySchema = {
  type: 'object',
  properties: { limit: PAGE_INT, offset: PAGE_INT },
} as const;

const webhookProperties = {
  id: { type: 'string' },
  account_id: { type: 'string' },
  url: { type: 'string' },
  collection: { type: 'string' },
  events: { type: 'array', items: { type: 'string' } },
  filter: { type: ['string', 'null'] },
  enabled: { type: 'boolean' },
  headers: { type: 'object', additionalProperties: { type: 'string' } },
  created_by: { type: ['string', 'null'] },
  created_at: { type: 'string' },
  updated_at: { type: 'string' },
} as const;
const webhookRequired = ['id', 'account_id', 'url', 'collection', 'events', 'filter', 'enabled', 'headers', 'created_by', 'created_at', 'updated_at'] as const;

export const webhookResponseSchema = { $id: 'WebhookResponse', type: 'object', required: webhookRequired, properties: webhookProperties } as const;

export const webhookCreatedResponseSchema = {
  $id: 'WebhookCreatedResponse',
  type: 'object',
  required: [...webhookRequired, 'secret'],
  properties: { ...webhookProperties, secret: { type: 'string', description: 'Shown once; store it now' } },
} as const;

export const webhookListResponseSchema = {
  $id: 'WebhookList',
  type: 'object',
  required: ['items', 'total'],
  properties: { items: { type: 'array', items: webhookResponseSchema }, total: { type: 'integer' } },
} as const;

const deliveryProperties = {
  id: { type: 'string' },
  webhook_id: { type: 'string' },
  event: { type: 'string' },
  payload: {},
  status: { enum: WEBHOOK_DELIVERY_STATUSES },
  attempt_number: { type: 'integer' },
  response_status: { type: ['integer', 'null'] },
  response_body: { type: ['string', 'null'] },
  error_message: { type: ['string', 'null'] },
  delivered_at: { type: ['string', 'null'] },
  next_retry_at: { type: ['string', 'null'] },
  created_at: { type: 'string' },
} as const;

export const webhookDeliveryResponseSchema = {
  $id: 'WebhookDelivery',
  type: 'object',
  required: Object.keys(deliveryProperties),
  properties: deliveryProperties,
} as const;

export const webhookDeliveryListResponseSchema = {
  $id: 'WebhookDeliveryList',
  type: 'object',
  required: ['items', 'total'],
  properties: { items: { type: 'array', items: webhookDeliveryResponseSchema }, total: { type: 'integer' } },
} as const;

/** `POST /webhooks/{id}/test` (always 200): what the receiver answered. */
export const webhookTestResponseSchema = {
  $id: 'WebhookTestResponse',
  type: 'object',
  required: ['success', 'status_code', 'response_body', 'error'],
  properties: {
    success: { type: 'boolean' },
    status_code: { type: ['integer', 'null'] },
    response_body: { type: ['string', 'null'] },
    error: { type: ['string', 'null'] },
    delivery_id: { type: 'string' },
    duration_ms: { type: 'integer' },
  },
} as const;

export interface WebhookResponse {
  readonly id: string;
  readonly account_id: string;
  readonly url: string;
  readonly collection: string;
  readonly events: WebhookEventKind[];
  readonly filter: string | null;
  readonly enabled: boolean;
  readonly headers: Record<string, string>;
  readonly created_by: string | null;
  readonly created_at: string;
  readonly updated_at: string;
}

export interface WebhookCreatedResponse extends WebhookResponse {
  readonly secret: string;
}

export interface WebhookListResponse {
  readonly items: WebhookResponse[];
  readonly total: number;
}

export interface WebhookDeliveryResponse {
  readonly id: string;
  readonly webhook_id: string;
  readonly event: string;
  readonly payload: unknown;
  readonly status: WebhookDeliveryStatus;
  readonly attempt_number: number;
  readonly response_status: number | null;
  readonly response_body: string | null;
  readonly error_message: string | null;
  readonly delivered_at: string | null;
  readonly next_retry_at: string | null;
  readonly created_at: string;
}

export interface WebhookDeliveryListResponse {
  readonly items: WebhookDeliveryResponse[];
  readonly total: number;
}

export interface WebhookTestResponse {
  readonly success: boolean;
  readonly status_code: number | null;
  readonly response_body: string | null;
  readonly error: string | null;
  readonly delivery_id: string;
  readonly duration_ms: number;
}
