import type { Response, Router } from 'express';
import {
  auditHeadResponseSchema,
  auditLogEntrySchema,
  auditLogExportQuerySchema,
  auditLogListQuerySchema,
  auditLogListResponseSchema,
  auditVerifyRequestSchema,
  auditVerifyResponseSchema,
} from '@snackbase/contract';
import {
  AUDIT_EXPORT_CONTENT_TYPES,
  auditExportFilename,
  invalidRequest,
  type Audit,
  type AuditExportFormat,
  type AuditFilters,
  type AuditHead,
  type Core,
} from '@snackbase/core';
import { requireSuperadmin } from '../middleware/authenticate';
import type { RouteRegistry } from '../openapi/route-registry';

type Query = Record<string, string | undefined>;

/** What the audit routes need of the core (all of it, once `createCore` builds `audit`). */
export type AuditRoutesCore = Pick<Core, 'config'> & { readonly audit: Audit };

/** The filters of a list or export query string. */
function filtersOf(q: Query): AuditFilters {
  return {
    accountId: q['account_id'],
    tableName: q['table_name'],
    recordId: q['record_id'],
    userId: q['user_id'],
    operation: q['operation'] as AuditFilters['operation'],
    from: q['from_date'],
    to: q['to_date'],
  };
}

/** Writes every chunk, waiting when the socket's buffer is full; stops if the client leaves. */
async function writeChunks(res: Response, chunks: AsyncIterable<string>): Promise<void> {
  for await (const chunk of chunks) {
    if (res.destroyed) return;
    if (res.write(chunk)) continue;
    await new Promise<void>((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }
  res.end();
}

/** The superadmin audit log API (spec §7.5) plus chain verification and its anchor. */
export function registerAuditRoutes(registry: RouteRegistry, router: Router, core: AuditRoutesCore): void {
  const base = `${core.config.apiPrefix}/audit-logs`;
  const tags = ['audit'];
  registry.add(router, {
    method: 'get', path: base, summary: 'List audit log entries', tags, access: 'superadmin', query: auditLogListQuerySchema,
    responses: { 200: { description: 'A page of entries', schema: auditLogListResponseSchema } },
    handler: async (req, res) => {
      requireSuperadmin(res);
      const q = req.query as Query;
      const page = await core.audit.list({
        ...filtersOf(q),
        skip: q['skip'] === undefined ? undefined : Number(q['skip']),
        limit: q['limit'] === undefined ? undefined : Number(q['limit']),
        sortBy: q['sort_by'],
        sortOrder: q['sort_order'] as 'asc' | 'desc' | undefined,
      });
      res.json(page);
    },
  });
  registry.add(router, {
    method: 'get', path: `${base}/export`, summary: 'Export audit log entries (CSV or JSON, newest first, at most 10,000)', tags, access: 'superadmin',
    query: auditLogExportQuerySchema, responses: { 200: { description: 'An attachment' } },
    handler: async (req, res) => {
      requireSuperadmin(res);
      const q = req.query as Query;
      const format = (q['format'] ?? 'csv') as AuditExportFormat;
      const chunks = core.audit.exportRows(filtersOf(q), format);
      res.status(200).set({
        'Content-Type': AUDIT_EXPORT_CONTENT_TYPES[format],
        'Content-Disposition': `attachment; filename="${auditExportFilename(format)}"`,
        'Cache-Control': 'no-store',
      });
      await writeChunks(res, chunks);
    },
  });
  registry.add(router, {
    method: 'get', path: `${base}/head`, summary: 'The chain head, to keep elsewhere as a verification anchor', tags, access: 'superadmin',
    responses: { 200: { description: 'The head', schema: auditHeadResponseSchema } },
    handler: async (_req, res) => {
      requireSuperadmin(res);
      res.json(await core.audit.exportHead());
    },
  });
  registry.add(router, {
    method: 'post', path: `${base}/verify`, summary: 'Verify the hash chain and name the first broken entry', tags, access: 'superadmin',
    body: auditVerifyRequestSchema, responses: { 200: { description: 'The verdict (valid or not)', schema: auditVerifyResponseSchema } },
    handler: async (req, res) => {
      requireSuperadmin(res);
      const body = (req.body ?? {}) as { from_id?: number; to_id?: number; expected_head?: AuditHead };
      res.json(await core.audit.verify({ fromId: body.from_id, toId: body.to_id, expectedHead: body.expected_head }));
    },
  });
  registry.add(router, {
    method: 'get', path: `${base}/:id`, summary: 'Get an audit log entry', tags, access: 'superadmin',
    responses: { 200: { description: 'The entry', schema: auditLogEntrySchema }, 404: { description: 'No such entry' } },
    handler: async (req, res) => {
      requireSuperadmin(res);
      const id = String(req.params['id']);
      if (!/^[1-9][0-9]{0,14}$/.test(id)) throw invalidRequest([{ field: 'path.id', message: 'must be a positive integer', code: 'type' }]);
      res.json(await core.audit.get(Number(id)));
    },
  });
}
