/**
 * Record write schemas (spec §4.5, §4.10). A record body is any JSON object: its keys are the
 * collection's fields, checked against the collection by the server (400 `validation_failed`
 * with `details`, `unknown_field` for keys the collection lacks). The batch size limit is a
 * setting (`SNACKBASE_BATCH_MAX_SIZE`), so it is checked by the server (400 `batch_too_large`).
 */

import { recordObject } from './record-object';

/** `POST /records/{c}`, `PUT|PATCH /records/{c}/{id}`: field name → value. */
export const recordWriteRequestSchema = {
  $id: 'RecordWrite',
  type: 'object',
  description: 'Field values of the record; superadmins may add `account_id` (id, slug or code) on create to pick the account',
  additionalProperties: true,
} as const;

/** A created or updated record: system fields plus the fields of the operation's field list (PII masked). */
export const recordWriteResponseSchema = { $id: 'RecordWritten', ...recordObject } as const;

export const batchCreateRequestSchema = {
  $id: 'RecordBatchCreate',
  type: 'object',
  required: ['records'],
  properties: { records: { type: 'array', minItems: 1, items: { type: 'object', additionalProperties: true } } },
} as const;

export const batchUpdateRequestSchema = {
  $id: 'RecordBatchUpdate',
  type: 'object',
  required: ['records'],
  properties: {
    records: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['id', 'data'],
        properties: { id: { type: 'string', minLength: 1, maxLength: 64 }, data: { type: 'object', additionalProperties: true } },
      },
    },
  },
} as const;

export const batchDeleteRequestSchema = {
  $id: 'RecordBatchDelete',
  type: 'object',
  required: ['ids'],
  properties: { ids: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1, maxLength: 64 } } },
} as const;

export const batchCreateResponseSchema = {
  $id: 'RecordBatchCreated',
  type: 'object',
  required: ['created', 'count'],
  properties: { created: { type: 'array', items: recordObject }, count: { type: 'integer' } },
} as const;

export const batchUpdateResponseSchema = {
  $id: 'RecordBatchUpdated',
  type: 'object',
  required: ['updated', 'count'],
  properties: { updated: { type: 'array', items: recordObject }, count: { type: 'integer' } },
} as const;

export const batchDeleteResponseSchema = {
  $id: 'RecordBatchDeleted',
  type: 'object',
  required: ['deleted', 'count'],
  properties: { deleted: { type: 'array', items: { type: 'string' } }, count: { type: 'integer' } },
} as const;

/** `PATCH /records/{c}/batch` item. */
export interface RecordBatchUpdateItem {
  readonly id: string;
  readonly data: Record<string, unknown>;
}
