import type { Request, Router } from 'express';
import { collectionRulesResponseSchema, updateCollectionRulesRequestSchema } from '@snackbase/contract';
import type { Collections, Core, RulesInput } from '@snackbase/core';
import { contextOf } from '../middleware/authenticate';
import type { RouteRegistry } from '../openapi/route-registry';

/** What the collection rules routes need of the core. */
export type CollectionRulesRoutesCore = Pick<Core, 'config'> & { readonly collections: Collections };

const param = (req: Request, name: string): string => String(req.params[name] ?? '');

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
    handler: async (req, res) => void res.json(await core.collections.updateRules(contextOf(req, res), param(req, 'name'), req.body as RulesInput)),
  });
}
