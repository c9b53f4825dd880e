import type { Request, Router } from 'express';
import {
  collectionDeletedResponseSchema,
  collectionDeletionPreviewSchema,
  collectionListResponseSchema,
  collectionNamesResponseSchema,
  collectionResponseSchema,
  createCollectionRequestSchema,
  listCollectionsQuerySchema,
  updateCollectionRequestSchema,
} from '@snackbase/contract';
import { invalidRequest, type CollectionListQuery, type Collections, type Core, type CreateCollectionInput, type UpdateCollectionInput } from '@snackbase/core';
import { contextOf } from '../middleware/authenticate';
import type { RouteRegistry } from '../openapi/route-registry';

/** What the collections routes need of the core. */
export type CollectionsRoutesCore = Pick<Core, 'config'> & { readonly collections: Collections };

type Query = Record<string, string | undefined>;
const param = (req: Request, name: string): string => String(req.params[name] ?? '');

/**
 * The JSON body as an object: the route validator reads a JSON `null` as `{}`, so it is refused
 * here (422 like any other wrong shape) instead of reaching the core as `null` (a 500).
 */
function objectBody<T>(req: Request): T {
  if (req.body === null) throw invalidRequest([{ field: 'body', message: 'must be object', code: 'type' }]);
  return (req.body ?? {}) as T;
}

function listQuery(q: Query): CollectionListQuery {
  return {
    page: q['page'] ? Number(q['page']) : undefined,
    pageSize: q['page_size'] ? Number(q['page_size']) : undefined,
    sortBy: q['sort_by'],
    sortOrder: q['sort_order'] === 'asc' ? 'asc' : 'desc',
    search: q['search'] || undefined,
  };
}

/**
 * The superadmin collections API (spec §3.4) plus the deletion preview. The static paths
 * (`/collections/names` here, `/collections/export` and `/collections/import` of the transfer
 * routes) must be registered before `/collections/:id`, which would otherwise swallow them.
 */
export function registerCollectionsRoutes(registry: RouteRegistry, router: Router, core: CollectionsRoutesCore): void {
  const base = `${core.config.apiPrefix}/collections`;
  const tags = ['collections'];
  const access = 'superadmin' as const;
  const one = { description: 'Collection', schema: collectionResponseSchema };
  const missing = { description: 'Collection not found' };
  registry.add(router, {
    method: 'get', path: base, summary: 'List collections (paged)', tags, access, query: listCollectionsQuerySchema,
    responses: { 200: { description: 'A page of collections', schema: collectionListResponseSchema } },
    handler: async (req, res) => void res.json(await core.collections.list(contextOf(req, res), listQuery(req.query as Query))),
  });
  registry.add(router, {
    method: 'get', path: `${base}/names`, summary: 'Names of every collection', tags, access,
    responses: { 200: { description: 'Names', schema: collectionNamesResponseSchema } },
    handler: async (req, res) => void res.json(await core.collections.names(contextOf(req, res))),
  });
  registry.add(router, {
    method: 'post', path: base, summary: 'Create a collection and its table', tags, access, body: createCollectionRequestSchema,
    responses: { 201: one, 400: { description: 'Invalid definition or rules' }, 409: { description: 'Name taken (ignoring case)' } },
    handler: async (req, res) => void res.status(201).json(await core.collections.create(contextOf(req, res), objectBody<CreateCollectionInput>(req))),
  });
  registry.add(router, {
    method: 'get', path: `${base}/:id`, summary: 'A collection with its schema', tags, access, responses: { 200: one, 404: missing },
    handler: async (req, res) => void res.json(await core.collections.get(contextOf(req, res), param(req, 'id'))),
  });
  registry.add(router, {
    method: 'put', path: `${base}/:id`, summary: 'Replace the field list: add, remove, rename fields; migrate the table', tags, access,
    body: updateCollectionRequestSchema,
    responses: { 200: one, 400: { description: 'Invalid schema or a type change' }, 404: missing, 409: { description: 'Existing records conflict with the new schema' } },
    handler: async (req, res) => void res.json(await core.collections.update(contextOf(req, res), param(req, 'id'), objectBody<UpdateCollectionInput>(req))),
  });
  registry.add(router, {
    method: 'get', path: `${base}/:id/deletion-preview`, summary: 'What deleting the collection would destroy', tags, access,
    responses: { 200: { description: 'Preview', schema: collectionDeletionPreviewSchema }, 404: missing },
    handler: async (req, res) => void res.json(await core.collections.deletionPreview(contextOf(req, res), param(req, 'id'))),
  });
  registry.add(router, {
    method: 'delete', path: `${base}/:id`, summary: 'Delete a collection, its table and its records', tags, access,
    responses: { 200: { description: 'Deleted', schema: collectionDeletedResponseSchema }, 404: missing, 409: { description: 'Referenced by another collection' } },
    handler: async (req, res) => void res.json(await core.collections.remove(contextOf(req, res), param(req, 'id'))),
  });
}
