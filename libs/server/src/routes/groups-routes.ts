import type { Request, Router } from 'express';
import {
  addGroupUserRequestSchema,
  createGroupRequestSchema,
  groupDetailResponseSchema,
  groupListResponseSchema,
  groupMessageResponseSchema,
  listGroupsQuerySchema,
  updateGroupRequestSchema,
} from '@snackbase/contract';
import type { Core, CreateGroupInput, Groups, UpdateGroupInput } from '@snackbase/core';
import { checkAccessFirst, contextOf, requireUser } from '../middleware/authenticate';
import type { RouteRegistry } from '../openapi/route-registry';

/** What the groups routes need of the core (`Core` once `groups` is wired into it). */
export type GroupsRoutesCore = Pick<Core, 'config'> & { readonly groups: Groups };

const optionalInt = (value: unknown): number | undefined => (typeof value === 'string' ? Number(value) : undefined);
const param = (req: Request, name: string): string => String(req.params[name] ?? '');

/**
 * `/groups` (spec §5.8), every route for signed-in users only, confined to the caller's account
 * (superadmins: every account). Another account's group is a 404, as a missing one.
 */
export function registerGroupsRoutes(registry: RouteRegistry, router: Router, core: GroupsRoutesCore): void {
  const base = `${core.config.apiPrefix}/groups`;
  const tags = ['groups'];
  const access = 'user' as const;
  // Who may call comes before what they sent: an anonymous caller gets 401, never a 422.
  router.use(base, checkAccessFirst(requireUser));
  registry.add(router, {
    method: 'post',
    path: base,
    summary: 'Create a group (superadmins may name the account)',
    tags,
    access,
    body: createGroupRequestSchema,
    responses: { 201: { description: 'Created', schema: groupDetailResponseSchema }, 409: { description: 'Name taken in the account' } },
    handler: async (req, res) => {
      const { name, description, account_id } = req.body as CreateGroupInput;
      res.status(201).json(await core.groups.create(contextOf(req, res), { name, description, account_id }));
    },
  });
  registry.add(router, {
    method: 'get',
    path: base,
    summary: 'List the groups of your account (superadmin: of every account)',
    tags,
    access,
    query: listGroupsQuerySchema,
    responses: { 200: { description: 'Groups', schema: groupListResponseSchema } },
    handler: async (req, res) => {
      const page = { skip: optionalInt(req.query['skip']), limit: optionalInt(req.query['limit']) };
      res.json(await core.groups.list(contextOf(req, res), page));
    },
  });
  registry.add(router, {
    method: 'get',
    path: `${base}/:id`,
    summary: 'A group with its members',
    tags,
    access,
    responses: { 200: { description: 'Group', schema: groupDetailResponseSchema }, 404: { description: 'Group not found' } },
    handler: async (req, res) => void res.json(await core.groups.get(contextOf(req, res), param(req, 'id'))),
  });
  registry.add(router, {
    method: 'patch',
    path: `${base}/:id`,
    summary: 'Rename or describe a group',
    tags,
    access,
    body: updateGroupRequestSchema,
    responses: { 200: { description: 'Updated', schema: groupDetailResponseSchema }, 404: { description: 'Group not found' }, 409: { description: 'Name taken' } },
    handler: async (req, res) => {
      const { name, description } = req.body as UpdateGroupInput;
      res.json(await core.groups.update(contextOf(req, res), param(req, 'id'), { name, description }));
    },
  });
  registry.add(router, {
    method: 'delete',
    path: `${base}/:id`,
    summary: 'Delete a group',
    tags,
    access,
    responses: { 204: { description: 'Deleted' }, 404: { description: 'Group not found' } },
    handler: async (req, res) => {
      await core.groups.remove(contextOf(req, res), param(req, 'id'));
      res.status(204).end();
    },
  });
  registry.add(router, {
    method: 'post',
    path: `${base}/:id/users`,
    summary: 'Add a user of the group’s account to the group',
    tags,
    access,
    body: addGroupUserRequestSchema,
    responses: {
      201: { description: 'Added', schema: groupMessageResponseSchema },
      400: { description: 'No such user in the group’s account' },
      404: { description: 'Group not found' },
      409: { description: 'Already a member' },
    },
    handler: async (req, res) => {
      await core.groups.addUser(contextOf(req, res), param(req, 'id'), (req.body as { user_id: string }).user_id);
      res.status(201).json({ message: 'User added to group' });
    },
  });
  registry.add(router, {
    method: 'delete',
    path: `${base}/:id/users/:user_id`,
    summary: 'Remove a user from a group',
    tags,
    access,
    responses: { 204: { description: 'Removed (or was not a member)' }, 404: { description: 'Group not found' } },
    handler: async (req, res) => {
      await core.groups.removeUser(contextOf(req, res), param(req, 'id'), param(req, 'user_id'));
      res.status(204).end();
    },
  });
}
