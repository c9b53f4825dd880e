import type { Request, Router } from 'express';
import { roleListResponseSchema, roleRequestSchema, roleResponseSchema } from '@snackbase/contract';
import type { Core, RoleInput, Roles } from '@snackbase/core';
import { checkAccessFirst, contextOf, requireSuperadmin } from '../middleware/authenticate';
import type { RouteRegistry } from '../openapi/route-registry';
import { integerIdParam } from './integer-id-param';

/** What the roles routes need of the core (`Core` once `roles` is wired into it). */
export type RolesRoutesCore = Pick<Core, 'config'> & { readonly roles: Roles };

const roleInput = (req: Request): RoleInput => {
  const { name, description } = req.body as RoleInput;
  return { name, description };
};

/** `/roles` (spec §5.8): global roles, superadmin only (401 anonymous, 403 tenant users). */
export function registerRolesRoutes(registry: RouteRegistry, router: Router, core: RolesRoutesCore): void {
  const base = `${core.config.apiPrefix}/roles`;
  const tags = ['roles'];
  const access = 'superadmin' as const;
  router.use(base, checkAccessFirst(requireSuperadmin));
  registry.add(router, {
    method: 'get',
    path: base,
    summary: 'List roles',
    tags,
    access,
    responses: { 200: { description: 'Roles', schema: roleListResponseSchema } },
    handler: async (req, res) => void res.json(await core.roles.list(contextOf(req, res))),
  });
  registry.add(router, {
    method: 'post',
    path: base,
    summary: 'Create a role',
    tags,
    access,
    body: roleRequestSchema,
    responses: { 201: { description: 'Created', schema: roleResponseSchema }, 409: { description: 'Name taken' } },
    handler: async (req, res) => void res.status(201).json(await core.roles.create(contextOf(req, res), roleInput(req))),
  });
  registry.add(router, {
    method: 'get',
    path: `${base}/:id`,
    summary: 'A role',
    tags,
    access,
    responses: { 200: { description: 'Role', schema: roleResponseSchema }, 404: { description: 'Role not found' } },
    handler: async (req, res) => void res.json(await core.roles.get(contextOf(req, res), integerIdParam(req, 'role_id'))),
  });
  registry.add(router, {
    method: 'put',
    path: `${base}/:id`,
    summary: 'Rename or describe a role (default roles keep their names)',
    tags,
    access,
    body: roleRequestSchema,
    responses: { 200: { description: 'Updated', schema: roleResponseSchema }, 404: { description: 'Role not found' }, 409: { description: 'Name taken' } },
    handler: async (req, res) => void res.json(await core.roles.update(contextOf(req, res), integerIdParam(req, 'role_id'), roleInput(req))),
  });
  registry.add(router, {
    method: 'delete',
    path: `${base}/:id`,
    summary: 'Delete a role (not admin/user, not while users hold it)',
    tags,
    access,
    responses: { 204: { description: 'Deleted' }, 404: { description: 'Role not found' }, 409: { description: 'Users still have the role' }, 422: { description: 'Default role' } },
    handler: async (req, res) => {
      await core.roles.remove(contextOf(req, res), integerIdParam(req, 'role_id'));
      res.status(204).end();
    },
  });
}
