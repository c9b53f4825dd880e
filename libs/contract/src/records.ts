/**
 * Record read schemas (spec §4.3, §4.8, §4.11). Query values arrive as strings; unknown
 * parameters are refused by the server with 400 `unsupported_query_parameter` (names starting
 * with `_` are ignored, for cache busting), so these schemas only describe and type-check.
 */

import { recordObject } from './record-object';

const text = (description: string) => ({ type: 'string', maxLength: 8192, description }) as const;

/** `GET /records/{c}`. */
export const listRecordsQuerySchema = {
  type: 'object',
  properties: {
    skip: text('Rows to skip in offset mode (default 0)'),
    limit: text('Rows per page, 1..100 (default 30; 422 outside)'),
    sort: text('`-field` descending, `+field` or `field` ascending (default `-created_at`); ties broken by id'),
    fields: text('Comma list of fields to return; system fields are always returned'),
    filter: text('Filter expression, e.g. `status = "active" && price > 5`'),
    expand: text('Comma list of reference fields to expand, dotted for nesting (`author,author.company`)'),
    cursor: text('Cursor mode: the page after this cursor (`next_cursor`); empty = the first page'),
    cursor_before: text('Cursor mode: the page before this cursor (`prev_cursor`); empty = the last page'),
    include_count: text('Cursor mode: also return `total` (true/false)'),
    skip_total: text('Offset mode: skip the COUNT (`total` is null)'),
  },
} as const;

/** `GET /records/{c}/{id}`. */
export const viewRecordQuerySchema = {
  type: 'object',
  properties: { fields: listRecordsQuerySchema.properties.fields, expand: listRecordsQuerySchema.properties.expand },
} as const;

/** `GET /records/{c}/aggregate`. */
export const aggregateRecordsQuerySchema = {
  type: 'object',
  properties: {
    functions: text('Required: comma list of `count()`, `count(f)`, `sum(f)`, `avg(f)`, `min(f)`, `max(f)`'),
    group_by: text('Comma list of fields to group by'),
    filter: text('Filter expression applied before aggregation'),
    having: text('Condition on the aggregates, e.g. `count > 5 AND sum(price) >= 100`'),
  },
} as const;

/** A record as read: list items also name their account. */
const readRecordObject = {
  ...recordObject,
  properties: { ...recordObject.properties, account_name: { type: ['string', 'null'], description: 'List items only' } },
} as const;

/** One record as read: system fields, the fields of the operation's field list (PII masked), computed and expanded fields. */
export const recordResponseSchema = { $id: 'Record', ...readRecordObject } as const;

/** Offset mode (`total` null with `skip_total=true`) or cursor mode. */
export const recordListResponseSchema = {
  $id: 'RecordList',
  type: 'object',
  required: ['items', 'total'],
  properties: {
    items: { type: 'array', items: readRecordObject },
    total: { type: ['integer', 'null'] },
    skip: { type: 'integer' },
    limit: { type: 'integer' },
    next_cursor: { type: ['string', 'null'] },
    prev_cursor: { type: ['string', 'null'] },
    has_more: { type: 'boolean' },
  },
} as const;

export const aggregateResponseSchema = {
  $id: 'RecordAggregate',
  type: 'object',
  required: ['results', 'total_groups'],
  properties: {
    results: { type: 'array', items: { type: 'object', additionalProperties: true } },
    total_groups: { type: 'integer' },
  },
} as const;

/** `POST /collections/{name}/rules/explain` (superadmin). */
export const explainRuleRequestSchema = {
  $id: 'RuleExplainRequest',
  type: 'object',
  required: ['operation', 'account_id'],
  additionalProperties: false,
  properties: {
    operation: { type: 'string', enum: ['list', 'view', 'create', 'update', 'delete'] },
    user_id: { type: ['string', 'null'], maxLength: 36, description: 'The user to explain for; null = anonymous' },
    account_id: { type: 'string', minLength: 1, maxLength: 36, description: 'The account the user acts in' },
    record_id: { type: 'string', minLength: 1, maxLength: 64, description: 'Whether this record passes the rule' },
    filter: { type: 'string', maxLength: 8192, description: 'A ?filter= to AND in, as a list request would' },
  },
} as const;

export const explainRuleResponseSchema = {
  $id: 'RuleExplain',
  type: 'object',
  required: ['operation', 'decided_by', 'rule', 'sql', 'parameters', 'allowed', 'hidden_fields', 'masked_fields'],
  properties: {
    operation: { type: 'string' },
    decided_by: { type: 'string', enum: ['superadmin', 'public', 'locked', 'rule'] },
    rule: { type: ['string', 'null'] },
    sql: { type: ['string', 'null'] },
    parameters: { type: 'array' },
    allowed: { type: 'boolean' },
    reason: { type: ['string', 'null'] },
    hidden_fields: { type: 'array', items: { type: 'string' } },
    masked_fields: { type: 'array', items: { type: 'string' } },
  },
} as const;
