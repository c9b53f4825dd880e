import type { Request, Router } from 'express';
import {
  createMacroRequestSchema,
  listMacrosQuerySchema,
  macroListResponseSchema,
  macroResponseSchema,
  macroTestResponseSchema,
  testMacroRequestSchema,
  updateMacroRequestSchema,
} from '@snackbase/contract';
import type { Core, CreateMacroInput, Macros, TestMacroInput, UpdateMacroInput } from '@snackbase/core';
import { checkAccessFirst, contextOf, requireSuperadmin } from '../middleware/authenticate';
import type { RouteRegistry } from '../openapi/route-registry';
import { integerIdParam } from './integer-id-param';

/** What the macros routes need of the core. */
export type MacrosRoutesCore = Pick<Core, 'config'> & { readonly macros: Macros };

const optionalInt = (value: unknown): number | undefined => (typeof value === 'string' ? Number(value) : undefined);

/** Only the known keys reach the core (unknown keys are ignored, as the reference). */
function macroInput(req: Request): UpdateMacroInput {
  const { name, description, sql_query, parameters } = req.body as UpdateMacroInput;
  return { name, description, sql_query, parameters };
}

/**
 * `/macros` (spec §5.5 b): user-defined rule macros, global. Superadmin only, reads included
 * (spec §12.2 item 26 fixed: tenant users get 403, anonymous 401).
 */
export function registerMacrosRoutes(registry: RouteRegistry, router: Router, core: MacrosRoutesCore): void {
  const base = `${core.config.apiPrefix}/macros`;
  const tags = ['macros'];
  const access = 'superadmin' as const;
  // Who may call comes before what they sent: a tenant gets 403, never a 422.
  router.use(base, checkAccessFirst(requireSuperadmin));
  registry.add(router, {
    method: 'get',
    path: base,
    summary: 'List macros',
    tags,
    access,
    query: listMacrosQuerySchema,
    responses: { 200: { description: 'Macros', schema: macroListResponseSchema } },
    handler: async (req, res) => {
      const page = { skip: optionalInt(req.query['skip']), limit: optionalInt(req.query['limit']) };
      res.json(await core.macros.list(contextOf(req, res), page));
    },
  });
  registry.add(router, {
    method: 'post',
    path: base,
    summary: 'Create a macro (a rule expression, validated on save)',
    tags,
    access,
    body: createMacroRequestSchema,
    responses: {
      201: { description: 'Created', schema: macroResponseSchema },
      400: { description: 'The body is not a valid rule expression (invalid_rule, every problem in details)' },
      409: { description: 'Name taken' },
      422: { description: 'Invalid name or parameters' },
    },
    handler: async (req, res) => void res.status(201).json(await core.macros.create(contextOf(req, res), macroInput(req) as CreateMacroInput)),
  });
  registry.add(router, {
    method: 'get',
    path: `${base}/:id`,
    summary: 'A macro',
    tags,
    access,
    responses: { 200: { description: 'Macro', schema: macroResponseSchema }, 404: { description: 'Macro not found' } },
    handler: async (req, res) => void res.json(await core.macros.get(contextOf(req, res), integerIdParam(req, 'macro_id'))),
  });
  registry.add(router, {
    method: 'put',
    path: `${base}/:id`,
    summary: 'Change a macro (absent keys are kept)',
    tags,
    access,
    body: updateMacroRequestSchema,
    responses: {
      200: { description: 'Updated', schema: macroResponseSchema },
      400: { description: 'Invalid body, or a macro or collection rule using it would break' },
      404: { description: 'Macro not found' },
      409: { description: 'Name taken' },
    },
    handler: async (req, res) => void res.json(await core.macros.update(contextOf(req, res), integerIdParam(req, 'macro_id'), macroInput(req))),
  });
  registry.add(router, {
    method: 'delete',
    path: `${base}/:id`,
    summary: 'Delete a macro no rule or macro uses',
    tags,
    access,
    responses: { 204: { description: 'Deleted' }, 404: { description: 'Macro not found' }, 409: { description: 'Used by a collection rule or another macro' } },
    handler: async (req, res) => {
      await core.macros.remove(contextOf(req, res), integerIdParam(req, 'macro_id'));
      res.status(204).end();
    },
  });
  registry.add(router, {
    method: 'post',
    path: `${base}/:id/test`,
    summary: 'Expand a macro, or evaluate it against a record as a user',
    tags,
    access,
    body: testMacroRequestSchema,
    responses: {
      200: { description: 'Result', schema: macroTestResponseSchema },
      404: { description: 'Macro, collection, record or user not found' },
      422: { description: 'Wrong parameter count or missing account_id' },
    },
    handler: async (req, res) => {
      const { parameters, collection, record_id, user_id, account_id } = req.body as TestMacroInput;
      res.json(await core.macros.test(contextOf(req, res), integerIdParam(req, 'macro_id'), { parameters, collection, record_id, user_id, account_id }));
    },
  });
}
