import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, Router } from 'express';
import {
  collectionExportQuerySchema,
  collectionExportResponseSchema,
  collectionImportRequestSchema,
  collectionImportResponseSchema,
  type CollectionExportFile,
  type ImportStrategy,
} from '@snackbase/contract';
import { createCollectionTransfer, type Core } from '@snackbase/core';
import { contextOf } from '../middleware/authenticate';
import type { RouteRegistry } from '../openapi/route-registry';

/** What the export/import routes need of the core (the transfer is built on the collections admin's own deps). */
export type CollectionsTransferRoutesCore = Pick<Core, 'config' | 'db' | 'catalog' | 'audit' | 'hooks' | 'logger' | 'macros'>;

const idsOf = (req: Request): string[] =>
  String(req.query['collection_ids'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * `GET /collections/export` and `POST /collections/import` (spec §3.7), superadmins only. Register
 * BEFORE the collections routes: `/collections/:id` would otherwise take `export` for an id.
 */
export function registerCollectionsTransferRoutes(registry: RouteRegistry, router: Router, core: CollectionsTransferRoutesCore): void {
  const base = `${core.config.apiPrefix}/collections`;
  const tags = ['collections'];
  const transfer = createCollectionTransfer({
    db: core.db,
    catalog: core.catalog,
    audit: core.audit,
    hooks: core.hooks,
    macros: () => core.macros.registry(),
    logger: core.logger,
  });
  registry.add(router, {
    method: 'get',
    path: `${base}/export`,
    summary: 'Export collection schemas and rules (and, with include_records=true, every record) as a JSON file',
    tags,
    access: 'superadmin',
    query: collectionExportQuerySchema,
    responses: { 200: { description: 'The export file (streamed)', schema: collectionExportResponseSchema } },
    handler: async (req, res) => {
      const includeRecords = ['true', '1'].includes(String(req.query['include_records']));
      const file = await transfer.exportCollections(contextOf(req, res), { collectionIds: idsOf(req), includeRecords });
      res.status(200).type('application/json').set('Content-Disposition', `attachment; filename=${file.fileName}`);
      // Streamed with back-pressure: the records are read page by page as the client takes them.
      await pipeline(Readable.from(file.chunks), res);
    },
  });
  registry.add(router, {
    method: 'post',
    path: `${base}/import`,
    summary: 'Import an export file; strategy error (all or nothing, 409 on any existing collection), skip or update (schema and rules)',
    tags,
    access: 'superadmin',
    body: collectionImportRequestSchema,
    responses: {
      200: { description: 'What was imported', schema: collectionImportResponseSchema },
      400: { description: 'Unsupported version, or (strategy error) a collection that cannot be created; nothing was imported' },
      409: { description: 'Strategy error: a collection of the file already exists; nothing was imported' },
    },
    handler: async (req, res) => {
      const { data, strategy } = req.body as { data: CollectionExportFile; strategy?: ImportStrategy };
      res.json(await transfer.importCollections(contextOf(req, res), { file: data, strategy: strategy ?? 'error' }));
    },
  });
}
