import type { Request, Router } from 'express';
import {
  createWebhookRequestSchema,
  updateWebhookRequestSchema,
  webhookCreatedResponseSchema,
  webhookDeliveryListResponseSchema,
  webhookListResponseSchema,
  webhookPageQuerySchema,
  webhookResponseSchema,
  webhookTestResponseSchema,
} from '@snackbase/contract';
import type { Core, CreateWebhookInput, UpdateWebhookInput, Webhooks } from '@snackbase/core';
import { contextOf } from '../middleware/authenticate';
import type { RouteRegistry } from '../openapi/route-registry';

/** What the webhooks routes need of the core (`Core` once `webhooks` is wired into it). */
export type WebhooksRoutesCore = Pick<Core, 'config'> & { readonly webhooks: Webhooks };

const param = (req: Request, name: string): string => String(req.params[name] ?? '');
const pageOf = (req: Request) => {
  const n = (key: string) => (typeof req.query[key] === 'string' ? Number(req.query[key]) : undefined);
  return { limit: n('limit'), offset: n('offset') };
};

/**
 * `/webhooks` (spec §10.10): signed-in users only (`access: 'user'` answers 401 before any
 * validation), confined to the caller's account (superadmins: every account). A webhook of
 * another account, or another plain user's, is a 404 "Webhook not found".
 */
export function registerWebhooksRoutes(registry: RouteRegistry, router: Router, core: WebhooksRoutesCore): void {
  const base = `${core.config.apiPrefix}/webhooks`;
  const common = { tags: ['webhooks'], security: 'bearer', access: 'user' } as const;
  const notFound = { 404: { description: 'Webhook not found' } };
  registry.add(router, {
    ...common,
    method: 'post',
    path: base,
    summary: 'Create a webhook; the answer carries its signing secret, shown this once',
    body: createWebhookRequestSchema,
    responses: { 201: { description: 'Created', schema: webhookCreatedResponseSchema }, 400: { description: 'Limit reached or invalid filter' }, 422: { description: 'URL not allowed' } },
    handler: async (req, res) => void res.status(201).json(await core.webhooks.create(contextOf(req, res), req.body as CreateWebhookInput)),
  });
  registry.add(router, {
    ...common,
    method: 'get',
    path: base,
    summary: 'List webhooks (plain users: their own; admins: the account’s; superadmins: all)',
    query: webhookPageQuerySchema,
    responses: { 200: { description: 'Webhooks', schema: webhookListResponseSchema } },
    handler: async (req, res) => void res.json(await core.webhooks.list(contextOf(req, res), pageOf(req))),
  });
  registry.add(router, {
    ...common,
    method: 'get',
    path: `${base}/:id`,
    summary: 'A webhook (never its secret)',
    responses: { 200: { description: 'Webhook', schema: webhookResponseSchema }, ...notFound },
    handler: async (req, res) => void res.json(await core.webhooks.get(contextOf(req, res), param(req, 'id'))),
  });
  registry.add(router, {
    ...common,
    method: 'put',
    path: `${base}/:id`,
    summary: 'Change a webhook (partial; null = unchanged; the secret cannot be changed)',
    body: updateWebhookRequestSchema,
    responses: { 200: { description: 'Updated', schema: webhookResponseSchema }, ...notFound },
    handler: async (req, res) => void res.json(await core.webhooks.update(contextOf(req, res), param(req, 'id'), req.body as UpdateWebhookInput)),
  });
  registry.add(router, {
    ...common,
    method: 'delete',
    path: `${base}/:id`,
    summary: 'Delete a webhook and its delivery log',
    responses: { 204: { description: 'Deleted' }, ...notFound },
    handler: async (req, res) => {
      await core.webhooks.remove(contextOf(req, res), param(req, 'id'));
      res.status(204).end();
    },
  });
  registry.add(router, {
    ...common,
    method: 'get',
    path: `${base}/:id/deliveries`,
    summary: 'The delivery log of a webhook, newest first (limit ≤ 200)',
    query: webhookPageQuerySchema,
    responses: { 200: { description: 'Deliveries', schema: webhookDeliveryListResponseSchema }, ...notFound },
    handler: async (req, res) => void res.json(await core.webhooks.deliveries(contextOf(req, res), param(req, 'id'), pageOf(req))),
  });
  registry.add(router, {
    ...common,
    method: 'post',
    path: `${base}/:id/test`,
    summary: 'Deliver a sample payload now and report the answer (always 200)',
    responses: { 200: { description: 'What the receiver answered', schema: webhookTestResponseSchema }, ...notFound },
    handler: async (req, res) => void res.json(await core.webhooks.test(contextOf(req, res), param(req, 'id'))),
  });
}
