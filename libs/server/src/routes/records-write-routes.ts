import express, { type NextFunction, type Request, type Response, type Router } from 'express';
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
import { unsupportedMediaType, type Core } from '@snackbase/core';
import { contextOf } from '../middleware/authenticate';
import type { RouteRegistry } from '../openapi/route-registry';

/** What the record write routes need of the core. */
export type RecordsWriteRoutesCore = Pick<Core, 'config' | 'recordWrites'>;

const param = (req: Request, name: string): string => String(req.params[name] ?? '');
const accountHeader = (req: Request): string | undefined => req.get('x-account-id');
const body = (req: Request): Record<string, unknown> => (req.body ?? {}) as Record<string, unknown>;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The app's JSON parser reads POST/PUT/PATCH bodies only; batch delete carries its ids in a DELETE
 * body (the SDK's `records.batchDelete`), so this route parses its own, with the same limit and
 * the same refusals (non-JSON → 415, prototype keys dropped, NUL refused). Once the app parser
 * reads DELETE bodies too, this one sees the body parsed and steps aside.
 */
function deleteJsonBody(limitBytes: number) {
  const parse = express.json({
    limit: limitBytes,
    strict: false,
    type: () => true,
    reviver: (key, value) => {
      if (typeof value === 'string' && value.includes('\u0000')) throw new SyntaxError('NUL characters are not allowed');
      return FORBIDDEN_KEYS.has(key) ? undefined : value;
    },
  });
  return (req: Request, res: Response, next: NextFunction) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody || (req as { _body?: boolean })._body) return next();
    if (!req.is(['application/json', 'application/*+json'])) return next(unsupportedMediaType());
    parse(req, res, next);
  };
}

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
  router.delete(`${base}/batch`, deleteJsonBody(core.config.maxBodySize));
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
