import type { Request, Router } from 'express';
import {
  apiHookExecutionListResponseSchema,
  apiHookListQuerySchema,
  apiHookListResponseSchema,
  apiHookPageQuerySchema,
  apiHookResponseSchema,
  apiHookTriggerResponseSchema,
  createApiHookRequestSchema,
  updateApiHookRequestSchema,
  type ApiHookTriggerType,
} from '@snackbase/contract';
import type { ApiHooks, Core, CreateApiHookInput, UpdateApiHookInput } from '@snackbase/core';
import { contextOf } from '../middleware/authenticate';
import type { RouteRegistry } from '../openapi/route-registry';

/** What the hooks routes need of the core. */
export type ApiHooksRoutesCore = Pick<Core, 'config'> & { readonly apiHooks: ApiHooks };

const param = (req: Request, name: string): string => String(req.params[name] ?? '');
const text = (req: Request, key: string) => (typeof req.query[key] === 'string' ? req.query[key] : undefined);
const num = (req: Request, key: string) => (text(req, key) === undefined ? undefined : Number(text(req, key)));

/**
 * `/hooks` (spec §10.11): signed-in users only, confined to the caller's account; a hook of
 * another account (or another plain user's) is a 404 "Hook not found".
 */
export function registerApiHooksRoutes(registry: RouteRegistry, router: Router, core: ApiHooksRoutesCore): void {
  const base = `${core.config.apiPrefix}/hooks`;
  const common = { tags: ['hooks'], security: 'bearer', access: 'user' } as const;
  const notFound = { 404: { description: 'Hook not found' } };
  registry.add(router, {
    ...common,
    method: 'post',
    path: base,
    summary: 'Create a hook (schedule, event or manual trigger; actions run in order)',
    body: createApiHookRequestSchema,
    responses: {
      201: { description: 'Created', schema: apiHookResponseSchema },
      400: { description: 'Invalid condition' },
      409: { description: 'Hook limit of the account reached' },
      422: { description: 'Invalid cron expression, event or action' },
    },
    handler: async (req, res) => void res.status(201).json(await core.apiHooks.create(contextOf(req, res), req.body as CreateApiHookInput)),
  });
  registry.add(router, {
    ...common,
    method: 'get',
    path: base,
    summary: 'List hooks (plain users: their own; admins: the account’s)',
    query: apiHookListQuerySchema,
    responses: { 200: { description: 'Hooks', schema: apiHookListResponseSchema } },
    handler: async (req, res) => {
      const enabled = text(req, 'enabled');
      const query = { trigger_type: text(req, 'trigger_type') as ApiHookTriggerType | undefined, enabled: enabled === undefined ? undefined : enabled === 'true', limit: num(req, 'limit'), offset: num(req, 'offset') };
      res.json(await core.apiHooks.list(contextOf(req, res), query));
    },
  });
  registry.add(router, {
    ...common,
    method: 'get',
    path: `${base}/:id`,
    summary: 'A hook',
    responses: { 200: { description: 'Hook', schema: apiHookResponseSchema }, ...notFound },
    handler: async (req, res) => void res.json(await core.apiHooks.get(contextOf(req, res), param(req, 'id'))),
  });
  registry.add(router, {
    ...common,
    method: 'patch',
    path: `${base}/:id`,
    summary: 'Change a hook (partial; null = unchanged; condition "" clears)',
    body: updateApiHookRequestSchema,
    responses: { 200: { description: 'Updated', schema: apiHookResponseSchema }, ...notFound },
    handler: async (req, res) => void res.json(await core.apiHooks.update(contextOf(req, res), param(req, 'id'), req.body as UpdateApiHookInput)),
  });
  registry.add(router, {
    ...common,
    method: 'delete',
    path: `${base}/:id`,
    summary: 'Delete a hook and its execution log',
    responses: { 204: { description: 'Deleted' }, ...notFound },
    handler: async (req, res) => {
      await core.apiHooks.remove(contextOf(req, res), param(req, 'id'));
      res.status(204).end();
    },
  });
  registry.add(router, {
    ...common,
    method: 'patch',
    path: `${base}/:id/toggle`,
    summary: 'Enable or disable a hook',
    responses: { 200: { description: 'Toggled', schema: apiHookResponseSchema }, ...notFound },
    handler: async (req, res) => void res.json(await core.apiHooks.toggle(contextOf(req, res), param(req, 'id'))),
  });
  registry.add(router, {
    ...common,
    method: 'post',
    path: `${base}/:id/trigger`,
    summary: 'Run a hook now (schedule hooks: as a job; others: inline, even when disabled)',
    responses: { 202: { description: 'Enqueued or executed', schema: apiHookTriggerResponseSchema }, ...notFound },
    handler: async (req, res) => void res.status(202).json(await core.apiHooks.trigger(contextOf(req, res), param(req, 'id'))),
  });
  registry.add(router, {
    ...common,
    method: 'get',
    path: `${base}/:id/executions`,
    summary: 'The execution log of a hook, newest first (limit ≤ 200)',
    query: apiHookPageQuerySchema,
    responses: { 200: { description: 'Executions', schema: apiHookExecutionListResponseSchema }, ...notFound },
    handler: async (req, res) => void res.json(await core.apiHooks.executions(contextOf(req, res), param(req, 'id'), { limit: num(req, 'limit'), offset: num(req, 'offset') })),
  });
}
