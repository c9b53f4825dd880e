import type { Router } from 'express';
import { accountDetailSchema, accountListQuerySchema, createAccountRequestSchema, pageQuerySchema, updateAccountRequestSchema } from '@snackbase/contract';
import type { AccountListQuery, Core } from '@snackbase/core';
import { contextOf, requireSuperadmin } from '../middleware/authenticate';
import type { RouteRegistry } from '../openapi/route-registry';

type Query = Record<string, string | undefined>;

/** The superadmin accounts API (spec §10.1). */
export function registerAccountsRoutes(registry: RouteRegistry, router: Router, core: Core): void {
  const base = `${core.config.apiPrefix}/accounts`;
  const tags = ['accounts'];
  const detail = { description: 'Account', schema: accountDetailSchema };
  registry.add(router, {
    method: 'get', path: base, summary: 'List accounts', tags, access: 'superadmin', query: accountListQuerySchema, responses: { 200: { description: 'A page of accounts' } },
    handler: async (req, res) => {
      requireSuperadmin(res);
      const q = req.query as Query;
      const query: AccountListQuery = {
        page: Number(q['page'] ?? 1),
        pageSize: Number(q['page_size'] ?? 25),
        sortBy: (q['sort_by'] ?? 'created_at') as AccountListQuery['sortBy'],
        sortOrder: (q['sort_order'] ?? 'desc') as AccountListQuery['sortOrder'],
        search: q['search'] || undefined,
      };
      res.json(await core.accounts.list(query));
    },
  });
  registry.add(router, {
    method: 'post', path: base, summary: 'Create an account', tags, access: 'superadmin', body: createAccountRequestSchema, responses: { 201: detail },
    handler: async (req, res) => {
      requireSuperadmin(res);
      res.status(201).json(await core.accounts.create(contextOf(req, res), req.body as { name: string; slug?: string }));
    },
  });
  registry.add(router, {
    method: 'get', path: `${base}/:id`, summary: 'Get an account', tags, access: 'superadmin', responses: { 200: detail },
    handler: async (req, res) => {
      requireSuperadmin(res);
      res.json(await core.accounts.get(String(req.params['id'])));
    },
  });
  registry.add(router, {
    method: 'put', path: `${base}/:id`, summary: 'Rename an account', tags, access: 'superadmin', body: updateAccountRequestSchema, responses: { 200: detail },
    handler: async (req, res) => {
      requireSuperadmin(res);
      res.json(await core.accounts.rename(contextOf(req, res), String(req.params['id']), (req.body as { name: string }).name));
    },
  });
  registry.add(router, {
    method: 'delete', path: `${base}/:id`, summary: 'Delete an account and everything it owns', tags, access: 'superadmin', responses: { 204: { description: 'Deleted' } },
    handler: async (req, res) => {
      requireSuperadmin(res);
      await core.accounts.remove(contextOf(req, res), String(req.params['id']));
      res.status(204).end();
    },
  });
  registry.add(router, {
    method: 'get', path: `${base}/:id/users`, summary: 'List the users of an account', tags, access: 'superadmin', query: pageQuerySchema, responses: { 200: { description: 'A page of users' } },
    handler: async (req, res) => {
      requireSuperadmin(res);
      const q = req.query as Query;
      res.json(await core.accounts.listUsers(String(req.params['id']), Number(q['page'] ?? 1), Number(q['page_size'] ?? 25)));
    },
  });
}
