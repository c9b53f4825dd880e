/**
 * Audit log API schemas (spec §7.5; superadmin only). Query values arrive as strings. Paging is
 * the reference's `skip`/`limit`; the list also says whether audit logging is on.
 */

const str = (maxLength: number) => ({ type: 'string', maxLength }) as const;
const nullable = { type: ['string', 'null'] } as const;
const sha256 = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;

const filterProperties = {
  account_id: str(36),
  table_name: str(100),
  record_id: str(255),
  user_id: str(36),
  operation: { enum: ['CREATE', 'UPDATE', 'DELETE'] },
  from_date: { ...str(64), description: 'ISO-8601 date or date-time (UTC when no zone), inclusive' },
  to_date: { ...str(64), description: 'ISO-8601 date or date-time (UTC when no zone), inclusive' },
} as const;

/** `GET /audit-logs` query. */
export const auditLogListQuerySchema = {
  $id: 'AuditLogListQuery',
  type: 'object',
  properties: {
    ...filterProperties,
    skip: { type: 'string', pattern: '^[0-9]{1,9}$', description: 'Rows to skip (default 0)' },
    limit: { type: 'string', pattern: '^([1-9]|[1-9][0-9]|[1-4][0-9]{2}|500)$', description: 'Rows per page, 1–500 (default 50)' },
    sort_by: { ...str(64), description: 'Any column; unknown names sort by occurred_at' },
    sort_order: { enum: ['asc', 'desc'] },
  },
} as const;

/** `GET /audit-logs/export` query: the list filters plus the format (`csv` by default). */
export const auditLogExportQuerySchema = {
  $id: 'AuditLogExportQuery',
  type: 'object',
  properties: { ...filterProperties, format: { enum: ['csv', 'json'] } },
} as const;

const entryShape = {
  type: 'object',
  required: ['id', 'operation', 'table_name', 'record_id', 'column_name', 'old_value', 'new_value', 'occurred_at', 'checksum', 'previous_hash'],
  properties: {
    id: { type: 'integer' },
    account_id: nullable,
    operation: { enum: ['CREATE', 'UPDATE', 'DELETE'] },
    table_name: { type: 'string' },
    record_id: { type: 'string' },
    column_name: { type: 'string' },
    old_value: nullable,
    new_value: nullable,
    user_id: nullable,
    user_email: nullable,
    user_name: nullable,
    es_username: nullable,
    es_reason: nullable,
    es_timestamp: nullable,
    ip_address: nullable,
    user_agent: nullable,
    request_id: nullable,
    occurred_at: { type: 'string' },
    checksum: sha256,
    previous_hash: { type: ['string', 'null'], pattern: '^[0-9a-f]{64}$' },
    extra_metadata: {},
  },
} as const;

/** One audit entry: every column of spec §7.1. */
export const auditLogEntrySchema = { $id: 'AuditLogEntry', ...entryShape } as const;

/** `GET /audit-logs` answer. */
export const auditLogListResponseSchema = {
  $id: 'AuditLogList',
  type: 'object',
  required: ['items', 'total', 'skip', 'limit', 'audit_logging_enabled'],
  properties: {
    items: { type: 'array', items: entryShape },
    total: { type: 'integer' },
    skip: { type: 'integer' },
    limit: { type: 'integer' },
    audit_logging_enabled: { type: 'boolean' },
  },
} as const;

const anchorSchema = {
  type: 'object',
  required: ['id', 'checksum'],
  properties: { id: { type: 'integer', minimum: 1 }, checksum: sha256 },
} as const;

/** `POST /audit-logs/verify` body (all optional). */
export const auditVerifyRequestSchema = {
  $id: 'AuditVerifyRequest',
  type: 'object',
  properties: {
    from_id: { type: 'integer', minimum: 1 },
    to_id: { type: 'integer', minimum: 1 },
    expected_head: { ...anchorSchema, description: 'An anchor from GET /audit-logs/head kept elsewhere; reveals a truncated or rewritten chain' },
  },
} as const;

/** `POST /audit-logs/verify` answer; `first_broken_id` and `reason` only when invalid. */
export const auditVerifyResponseSchema = {
  $id: 'AuditVerifyResult',
  type: 'object',
  required: ['valid', 'checked', 'head'],
  properties: {
    valid: { type: 'boolean' },
    checked: { type: 'integer' },
    first_broken_id: { type: 'integer' },
    reason: { type: 'string' },
    head: { oneOf: [anchorSchema, { type: 'null' }] },
  },
} as const;

/** `GET /audit-logs/head` answer: the anchor to keep outside the database. */
export const auditHeadResponseSchema = {
  $id: 'AuditHead',
  type: 'object',
  required: ['id', 'checksum', 'exported_at'],
  properties: { id: { type: ['integer', 'null'] }, checksum: { type: ['string', 'null'] }, exported_at: { type: 'string' } },
} as const;

/** An audit entry as the API answers it. */
export interface AuditLogEntryResponse {
  readonly id: number;
  readonly account_id: string | null;
  readonly operation: 'CREATE' | 'UPDATE' | 'DELETE';
  readonly table_name: string;
  readonly record_id: string;
  readonly column_name: string;
  readonly old_value: string | null;
  readonly new_value: string | null;
  readonly user_id: string | null;
  readonly user_email: string | null;
  readonly user_name: string | null;
  readonly es_username: string | null;
  readonly es_reason: string | null;
  readonly es_timestamp: string | null;
  readonly ip_address: string | null;
  readonly user_agent: string | null;
  readonly request_id: string | null;
  readonly occurred_at: string;
  readonly checksum: string;
  readonly previous_hash: string | null;
  readonly extra_metadata: unknown;
}
