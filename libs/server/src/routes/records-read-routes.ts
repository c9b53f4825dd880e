import type { Request, Router } from 'express';
import {
  aggregateRecordsQuerySchema,
  aggregateResponseSchema,
  listRecordsQuerySchema,
  recordListResponseSchema,
  recordResponseSchema,
  viewRecordQuerySchema,
} from '@snackbase/contract';
import type { Core } from '@snackbase/core';
import { contextOf } from '../middleware/authenticate';
import type { RouteRegistry } from '../openapi/route-registry';

/** What the record read routes need of the core. */
export type RecordsReadRoutesCore = Pick<Core, 'config' | 'recordReads'>;

const param = (req: Request, name: string): string => String(req.params[name] ?? '');
const accountHeader = (req: Request): string | undefined => req.get('x-account-id');
const query = (req: Request): Record<string, unknown> => req.query as Record<string, unknown>;

const errors = {
  400: { description: 'Bad filter, sort, expand, cursor or aggregation; unknown query parameter; X-Account-ID missing for anonymous callers' },
  401: { description: 'Authentication required by the rule' },
  403: { description: 'Operation locked (superadmins only)' },
  404: { description: 'Collection or record not found (also: another account, or hidden by the view rule)' },
  422: { description: 'limit outside 1..100, or another malformed parameter' },
} as const;

/**
 * Record reads (spec §4.3, §4.8, §4.11). No `access` option: a public rule lets anonymous
 * callers read with `X-Account-ID`; the core decides per collection rule. `aggregate` comes
 * before `/:id` so it is never taken for an id.
 */
export function registerRecordsReadRoutes(registry: RouteRegistry, router: Router, core: RecordsReadRoutesCore): void {
  const base = `${core.config.apiPrefix}/records/:collection`;
  const tags = ['records'];
  const r = core.recordReads;
  registry.add(router, {
    method: 'get',
    path: base,
    summary: 'List records (offset or cursor pagination, filter, sort, fields, expand)',
    tags,
    query: listRecordsQuerySchema,
    responses: { 200: { description: 'A page of records', schema: recordListResponseSchema }, ...errors },
    handler: async (req, res) => void res.json(await r.list(contextOf(req, res), param(req, 'collection'), query(req), accountHeader(req))),
  });
  registry.add(router, {
    method: 'get',
    path: `${base}/aggregate`,
    summary: 'Aggregate records (count, sum, avg, min, max; group_by, filter, having)',
    tags,
    query: aggregateRecordsQuerySchema,
    responses: { 200: { description: 'Aggregates', schema: aggregateResponseSchema }, ...errors },
    handler: async (req, res) => void res.json(await r.aggregate(contextOf(req, res), param(req, 'collection'), query(req), accountHeader(req))),
  });
  registry.add(router, {
    method: 'get',
    path: `${base}/:id`,
    summary: 'One record (fields, expand)',
    tags,
    query: viewRecordQuerySchema,
    responses: { 200: { description: 'The record', schema: recordResponseSchema }, ...errors },
    handler: async (req, res) =>
      void res.json(await r.view(contextOf(req, res), param(req, 'collection'), param(req, 'id'), query(req), accountHeader(req))),
  });
}
