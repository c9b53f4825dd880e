import type { Request, Router } from 'express';
import { explainRuleRequestSchema, explainRuleResponseSchema } from '@snackbase/contract';
import type { Core, ExplainInput } from '@snackbase/core';
import { contextOf } from '../middleware/authenticate';
import type { RouteRegistry } from '../openapi/route-registry';

/** What the explain route needs of the core. */
export type RulesExplainRoutesCore = Pick<Core, 'config' | 'recordReads'>;

const param = (req: Request, name: string): string => String(req.params[name] ?? '');

/**
 * `POST /collections/{name}/rules/explain` (superadmins): which branch of a rule decides for a
 * user, the SQL and parameters it runs, and whether a given record passes.
 */
export function registerRulesExplainRoutes(registry: RouteRegistry, router: Router, core: RulesExplainRoutesCore): void {
  registry.add(router, {
    method: 'post',
    path: `${core.config.apiPrefix}/collections/:name/rules/explain`,
    summary: 'Explain how a collection rule decides for a user',
    tags: ['collections'],
    access: 'superadmin',
    body: explainRuleRequestSchema,
    responses: {
      200: { description: 'The decision, its SQL and parameters', schema: explainRuleResponseSchema },
      400: { description: 'Invalid filter' },
      404: { description: 'Collection, account or user not found' },
    },
    handler: async (req, res) => void res.json(await core.recordReads.explain(contextOf(req, res), param(req, 'name'), req.body as ExplainInput)),
  });
}
