import type { Request, Router } from 'express';
import { collectionRulesResponseSchema, updateCollectionRulesRequestSchema } from '@snackbase/contract';
import { invalidRequest, type Collections, type Core, type RulesInput } from '@snackbase/core';
import { contextOf } from '../middleware/authenticate';
import type { RouteRegistry } from '../openapi/route-registry';

/** What the collection rules routes need of the core. */
export type CollectionRulesRoutesCore = Pick<Core, 'config'> & { readonly collections: Collections };

const param = (req: Request, name: string): string => String(req.params[name] ?? '');

/**
 * The JSON body as an object: the route validator reads a JSON `null` as `{}`, so it is refused
 * here (422 like any other wrong shape) instead of reaching the core as `null` (a 500).
 */
function objectBody<T>(req: Request): T {
  if (req.body === null) throw invalidRequest([{ field: 'body', message: 'must be object', code: 'type' }]);
  return (req.body ?? {}) as T;
}

/** `GET`/`PUT /collections/{name}/rules` (spec §5.6), superadmins only. */
export function registerCollectionRulesRoutes(registry: RouteRegistry, router: Router, core: CollectionRulesRoutesCore): void {
  const path = `${core.config.apiPrefix}/collections/:name/rules`;
  const tags = ['collections'];
  const rules = { description: 'Rules', schema: collectionRulesResponseSchema };
  const missing = { description: 'Collection not found' };
  registry.add(router, {
    method: 'get', path, summary: 'The rules and field lists of a collection', tags, access: 'superadmin', responses: { 200: rules, 404: missing },
    handler: async (req, res) => void res.json(await core.collections.getRules(contextOf(req, res), param(req, 'name'))),
  });
  registry.add(router, {
    method: 'put', path, summary: 'Change rules (absent = unchanged, null = locked, "" = public)', tags, access: 'superadmin',
    body: updateCollectionRulesRequestSchema,
    responses: { 200: rules, 400: { description: 'Invalid rule or field list (every problem listed)' }, 404: missing, 422: { description: 'Unknown key or wrong type' } },
    handler: async (req, res) => void res.json(await core.collections.updateRules(contextOf(req, res), param(req, 'name'), objectBody<RulesInput>(req))),
  });
}
