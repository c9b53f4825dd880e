import type { Router } from 'express';
import { createUserRequestSchema, setPasswordRequestSchema, updateUserRequestSchema, userListQuerySchema } from '@snackbase/contract';
import type { Core, CreateUserInput, UpdateUserInput } from '@snackbase/core';
import { contextOf, requireSuperadmin } from '../middleware/authenticate';
import type { RouteRegistry } from '../openapi/route-registry';

type Query = Record<string, string | undefined>;

/** The superadmin users API (spec §10.2). */
export function registerUsersRoutes(registry: RouteRegistry, router: Router, core: Core): void {
  const base = `${core.config.apiPrefix}/users`;
  const tags = ['users'];
  const user = { description: 'User' };
  const id = (p: Record<string, string | string[] | undefined>) => String(p['id']);
  registry.add(router, {
    method: 'get', path: base, summary: 'List users of every account', tags, access: 'superadmin', query: userListQuerySchema, responses: { 200: { description: '{total, items}' } },
    handler: async (req, res) => {
      requireSuperadmin(res);
      const q = req.query as Query;
      res.json(
        await core.users.list({
          account_id: q['account_id'],
          role_id: q['role_id'] ? Number(q['role_id']) : undefined,
          is_active: q['is_active'] === undefined ? undefined : q['is_active'] === 'true',
          search: q['search'] || undefined,
          skip: Number(q['skip'] ?? 0),
          limit: Number(q['limit'] ?? 30),
          sort: q['sort'] ?? '-created_at',
        }),
      );
    },
  });
  registry.add(router, {
    method: 'post', path: base, summary: 'Create a user in any account', tags, access: 'superadmin', body: createUserRequestSchema, responses: { 201: user },
    handler: async (req, res) => {
      requireSuperadmin(res);
      res.status(201).json(await core.users.create(contextOf(req, res), req.body as CreateUserInput));
    },
  });
  registry.add(router, {
    method: 'get', path: `${base}/:id`, summary: 'Get a user', tags, access: 'superadmin', responses: { 200: user },
    handler: async (req, res) => {
      requireSuperadmin(res);
      res.json(await core.users.get(id(req.params)));
    },
  });
  registry.add(router, {
    method: 'patch', path: `${base}/:id`, summary: 'Change a user (deactivating ends their sessions)', tags, access: 'superadmin', body: updateUserRequestSchema, responses: { 200: user },
    handler: async (req, res) => {
      requireSuperadmin(res);
      res.json(await core.users.update(contextOf(req, res), id(req.params), req.body as UpdateUserInput));
    },
  });
  registry.add(router, {
    method: 'put', path: `${base}/:id/password`, summary: 'Set a password or send a reset link', tags, access: 'superadmin', body: setPasswordRequestSchema, responses: { 200: { description: '{message}' } },
    handler: async (req, res) => {
      requireSuperadmin(res);
      const body = req.body as { new_password?: string; send_reset_link?: boolean };
      res.json(body.new_password ? await core.users.setPassword(contextOf(req, res), id(req.params), body.new_password) : await core.identity.sendResetLink(contextOf(req, res), id(req.params)));
    },
  });
  registry.add(router, {
    method: 'post', path: `${base}/:id/verify`, summary: 'Mark the email verified', tags, access: 'superadmin', responses: { 200: { description: '{message}' } },
    handler: async (req, res) => {
      requireSuperadmin(res);
      res.json(await core.users.verify(contextOf(req, res), id(req.params)));
    },
  });
  registry.add(router, {
    method: 'post', path: `${base}/:id/resend-verification`, summary: 'Send the verification mail again', tags, access: 'superadmin', responses: { 200: { description: '{message}' } },
    handler: async (req, res) => {
      requireSuperadmin(res);
      const owner = await core.users.ownerOf(id(req.params));
      res.json(await core.identity.resendVerification(contextOf(req, res), owner.account_id, id(req.params)));
    },
  });
  registry.add(router, {
    method: 'delete', path: `${base}/:id`, summary: 'Deactivate a user (soft delete; ends their sessions)', tags, access: 'superadmin', responses: { 204: { description: 'Deactivated' } },
    handler: async (req, res) => {
      requireSuperadmin(res);
      await core.users.deactivate(contextOf(req, res), id(req.params));
      res.status(204).end();
    },
  });
}
