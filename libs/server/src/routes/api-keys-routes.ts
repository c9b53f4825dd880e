import type { Router } from 'express';
import { apiKeyCreatedResponseSchema, apiKeyDetailResponseSchema, apiKeyListResponseSchema, createApiKeyRequestSchema } from '@snackbase/contract';
import type { Core, CreateApiKeyInput } from '@snackbase/core';
import { contextOf, requireSuperadmin } from '../middleware/authenticate';
import type { RouteRegistry } from '../openapi/route-registry';

/**
 * The superadmin API-keys API (spec §2.7): `/admin/api-keys`. Each superadmin sees and revokes
 * only their own keys; a request authenticated by a key may read but not create or revoke keys.
 */
export function registerApiKeysRoutes(registry: RouteRegistry, router: Router, core: Core): void {
  const base = `${core.config.apiPrefix}/admin/api-keys`;
  const tags = ['api-keys'];
  const notFound = { description: 'API key not found (or not the caller\'s)' };
  registry.add(router, {
    method: 'get', path: base, summary: 'List the caller\'s API keys (masked)', tags, access: 'superadmin', responses: { 200: { description: '{items, total}', schema: apiKeyListResponseSchema } },
    handler: async (req, res) => {
      requireSuperadmin(res);
      res.json(await core.apiKeys.list(contextOf(req, res)));
    },
  });
  registry.add(router, {
    method: 'post', path: base, summary: 'Create an API key (the plaintext key is shown once)', tags, access: 'superadmin', body: createApiKeyRequestSchema,
    responses: { 201: { description: 'Created', schema: apiKeyCreatedResponseSchema }, 400: { description: 'Expiry in the past or too many keys' }, 403: { description: 'Not a superadmin, or authenticated by an API key' } },
    handler: async (req, res) => {
      requireSuperadmin(res);
      const { name, expires_at } = req.body as CreateApiKeyInput;
      res.status(201).json(await core.apiKeys.create(contextOf(req, res), { name, expires_at }));
    },
  });
  registry.add(router, {
    method: 'get', path: `${base}/:id`, summary: 'One of the caller\'s API keys (masked)', tags, access: 'superadmin', responses: { 200: { description: 'API key', schema: apiKeyDetailResponseSchema }, 404: notFound },
    handler: async (req, res) => {
      requireSuperadmin(res);
      res.json(await core.apiKeys.get(contextOf(req, res), String(req.params['id'])));
    },
  });
  registry.add(router, {
    method: 'delete', path: `${base}/:id`, summary: 'Revoke an API key; it stops working at once', tags, access: 'superadmin', responses: { 204: { description: 'Revoked' }, 404: notFound },
    handler: async (req, res) => {
      requireSuperadmin(res);
      await core.apiKeys.revoke(contextOf(req, res), String(req.params['id']));
      res.status(204).end();
    },
  });
}
