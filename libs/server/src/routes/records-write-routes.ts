import type { Request, Router } from 'express';
import {
  batchCreateRequestSchema,
  batchCreateResponseSchema,
  batchDeleteRequestSchema,
  batchDeleteResponseSchema,
  batchUpdateRequestSchema,
  batchUpdateResponseSchema,
  recordWriteRequestSchema,
  recordWriteResponseSchema,
  type RecordBatchUpdateItem,
} from '@snackbase/contract';
import { invalidRequest, type Core } from '@snackbase/core';
import { contextOf } from '../middleware/authenticate';
import { jsonBodyParser } from '../middleware/json-body';
import type { RouteRegistry } from '../openapi/route-registry';

/** What the record write routes need of the core. */
export type RecordsWriteRoutesCore = Pick<Core, 'config' | 'recordWrites'>;

const param = (req: Request, name: string): string => String(req.params[name] ?? '');
const accountHeader = (req: Request): string | undefined => req.get('x-account-id');
/**
 * The record body: no body at all is `{}`, but a JSON `null` is the wrong shape (422) like an
 * array or a string (the validator reads `null` as `{}`, which would create or touch a record).
 */
const body = (req: Request): Record<string, unknown> => {
  if (req.body === null) throw invalidRequest([{ field: 'body', message: 'must be object', code: 'type' }]);
  return (req.body ?? {}) as Record<string, unknown>;
};

const errors = {
  400: { description: 'Validation failed (`details`), X-Account-ID missing for anonymous callers, batch too large' },
  401: { description: 'Authentication required by the rule' },
  403: { description: 'Operation locked, or the record does not satisfy the create rule' },
  404: { description: 'Collection or record not found (also: another account, or hidden by the rule)' },
  409: { description: 'Unique value taken in the account, or the record is referenced (restrict)' },
  422: { description: 'System or restricted fields in the body' },
} as const;

/**
 * Record writes (spec §4.5, §4.10). No `access` option: a public rule lets anonymous callers
 * write with `X-Account-ID`; the core decides per collection rule. Batch paths come before
 * `/:id` so `batch` is never taken for an id.
 */
export function registerRecordsWriteRoutes(registry: RouteRegistry, router: Router, core: RecordsWriteRoutesCore): void {
  const base = `${core.config.apiPrefix}/records/:collection`;
  const tags = ['records'];
  const w = core.recordWrites;
  // The app parser reads POST/PUT/PATCH bodies only; batch delete carries its ids in a DELETE
  // body (the SDK's `records.batchDelete`), so this one route also parses a DELETE body.
  router.delete(`${base}/batch`, jsonBodyParser(core.config.maxBodySize, ['DELETE']));
  registry.add(router, {
    method: 'post',
    path: `${base}/batch`,
    summary: 'Create several records at once (all or nothing)',
    tags,
    body: batchCreateRequestSchema,
    responses: { 201: { description: 'Created', schema: batchCreateResponseSchema }, ...errors },
    handler: async (req, res) => {
      const { records } = req.body as { records: Record<string, unknown>[] };
      res.status(201).json(await w.batchCreate(contextOf(req, res), param(req, 'collection'), records, accountHeader(req)));
    },
  });
  registry.add(router, {
    method: 'patch',
    path: `${base}/batch`,
    summary: 'Update several records at once (all or nothing)',
    tags,
    body: batchUpdateRequestSchema,
    responses: { 200: { description: 'Updated', schema: batchUpdateResponseSchema }, ...errors },
    handler: async (req, res) => {
      const { records } = req.body as { records: RecordBatchUpdateItem[] };
      res.json(await w.batchUpdate(contextOf(req, res), param(req, 'collection'), records, accountHeader(req)));
    },
  });
  registry.add(router, {
    method: 'delete',
    path: `${base}/batch`,
    summary: 'Delete several records at once (all or nothing); the ids travel in the JSON body',
    tags,
    body: batchDeleteRequestSchema,
    responses: { 200: { description: 'Deleted', schema: batchDeleteResponseSchema }, ...errors },
    handler: async (req, res) => {
      const { ids } = req.body as { ids: string[] };
      res.json(await w.batchDelete(contextOf(req, res), param(req, 'collection'), ids, accountHeader(req)));
    },
  });
  registry.add(router, {
    method: 'post',
    path: base,
    summary: 'Create a record',
    tags,
    body: recordWriteRequestSchema,
    responses: { 201: { description: 'Created', schema: recordWriteResponseSchema }, ...errors },
    handler: async (req, res) => {
      res.status(201).json(await w.create(contextOf(req, res), param(req, 'collection'), body(req), accountHeader(req)));
    },
  });
  registry.add(router, {
    method: 'put',
    path: `${base}/:id`,
    summary: 'Replace a record (required fields needed, defaults re-applied)',
    tags,
    body: recordWriteRequestSchema,
    responses: { 200: { description: 'Updated', schema: recordWriteResponseSchema }, ...errors },
    handler: async (req, res) => {
      res.json(await w.replace(contextOf(req, res), param(req, 'collection'), param(req, 'id'), body(req), accountHeader(req)));
    },
  });
  registry.add(router, {
    method: 'patch',
    path: `${base}/:id`,
    summary: 'Update some fields of a record',
    tags,
    body: recordWriteRequestSchema,
    responses: { 200: { description: 'Updated', schema: recordWriteResponseSchema }, ...errors },
    handler: async (req, res) => {
      res.json(await w.patch(contextOf(req, res), param(req, 'collection'), param(req, 'id'), body(req), accountHeader(req)));
    },
  });
  registry.add(router, {
    method: 'delete',
    path: `${base}/:id`,
    summary: 'Delete a record (references to it follow their on_delete)',
    tags,
    responses: { 204: { description: 'Deleted' }, ...errors },
    handler: async (req, res) => {
      await w.remove(contextOf(req, res), param(req, 'collection'), param(req, 'id'), accountHeader(req));
      res.status(204).end();
    },
  });
}
