import type { NextFunction, Request, Response, Router } from 'express';
import {
  acceptInvitationRequestSchema,
  createInvitationRequestSchema,
  invitationListResponseSchema,
  invitationMessageResponseSchema,
  invitationResponseSchema,
  listInvitationsQuerySchema,
  loginResponseSchema,
  publicInvitationResponseSchema,
  type InvitationStatus,
} from '@snackbase/contract';
import type { Core, CreateInvitationInput, Invitations } from '@snackbase/core';
import { contextOf, requireUser } from '../middleware/authenticate';
import type { RouteRegistry } from '../openapi/route-registry';

/** What the invitations routes need of the core. */
export type InvitationsRoutesCore = Pick<Core, 'config'> & { readonly invitations: Invitations };

const param = (req: Request, name: string): string => String(req.params[name] ?? '');
const optionalString = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const optionalInt = (value: unknown): number | undefined => (typeof value === 'string' ? Number(value) : undefined);

/** Who may call comes before what they sent: an anonymous caller gets 401, never a 422. */
function signedIn(_req: Request, res: Response, next: NextFunction): void {
  try {
    requireUser(res);
    next();
  } catch (e) {
    next(e);
  }
}

/**
 * `/invitations` (spec §10.6). Creating, listing, resending and cancelling are for signed-in
 * members of the account (superadmins: every account); looking up and accepting by token are
 * public, and the token is the only credential.
 */
export function registerInvitationsRoutes(registry: RouteRegistry, router: Router, core: InvitationsRoutesCore): void {
  const base = `${core.config.apiPrefix}/invitations`;
  const tags = ['invitations'];
  router.post(base, signedIn);
  router.get(base, signedIn);
  router.post(`${base}/:id/resend`, signedIn);
  router.delete(`${base}/:id`, signedIn);
  registry.add(router, {
    method: 'post', path: base, summary: 'Invite an email into your account (superadmins may name the account)', tags, access: 'user', body: createInvitationRequestSchema,
    responses: { 201: { description: 'Invited; the link is mailed, never returned', schema: invitationResponseSchema }, 400: { description: 'Group not in the account' }, 404: { description: 'Role or account not found' }, 409: { description: 'Already a user, or a pending invitation exists' } },
    handler: async (req, res) => {
      const { email, role_id, group_ids, groups, account_id } = req.body as CreateInvitationInput;
      res.status(201).json(await core.invitations.create(contextOf(req, res), { email, role_id, group_ids, groups, account_id }));
    },
  });
  registry.add(router, {
    method: 'get', path: base, summary: 'List the invitations of your account (superadmin: all, or one account)', tags, access: 'user', query: listInvitationsQuerySchema,
    responses: { 200: { description: 'Invitations', schema: invitationListResponseSchema } },
    handler: async (req, res) => {
      const q = req.query;
      const query = { status_filter: optionalString(q['status_filter']) as InvitationStatus | undefined, account_id: optionalString(q['account_id']), page: optionalInt(q['page']), page_size: optionalInt(q['page_size']) };
      res.json(await core.invitations.list(contextOf(req, res), query));
    },
  });
  registry.add(router, {
    method: 'post', path: `${base}/:id/resend`, summary: 'Mail a new link (the old one stops working)', tags, access: 'user',
    responses: { 200: { description: 'Resent', schema: invitationMessageResponseSchema }, 400: { description: 'Accepted or cancelled' }, 404: { description: 'Invitation not found' }, 503: { description: 'The mail could not be sent' } },
    handler: async (req, res) => void res.json(await core.invitations.resend(contextOf(req, res), param(req, 'id'))),
  });
  registry.add(router, {
    method: 'delete', path: `${base}/:id`, summary: 'Cancel an invitation', tags, access: 'user',
    responses: { 204: { description: 'Cancelled' }, 400: { description: 'Already accepted' }, 404: { description: 'Invitation not found' } },
    handler: async (req, res) => {
      await core.invitations.cancel(contextOf(req, res), param(req, 'id'));
      res.status(204).end();
    },
  });
  registry.add(router, {
    method: 'get', path: `${base}/:token`, summary: 'What a valid invitation token invites to (public)', tags, security: 'none',
    responses: { 200: { description: 'Invitation', schema: publicInvitationResponseSchema }, 404: { description: 'Invalid invitation token (unknown, expired, used or cancelled)' } },
    handler: async (req, res) => void res.json(await core.invitations.lookup(param(req, 'token'))),
  });
  registry.add(router, {
    method: 'post', path: `${base}/:token/accept`, summary: 'Accept an invitation: creates the user and signs them in (public)', tags, security: 'none', body: acceptInvitationRequestSchema,
    responses: { 200: { description: 'Signed in', schema: loginResponseSchema }, 400: { description: 'Password policy' }, 404: { description: 'Invalid invitation token' }, 409: { description: 'Already a user of the account' } },
    handler: async (req, res) => void res.json(await core.invitations.accept(contextOf(req, res), param(req, 'token'), (req.body as { password: string }).password)),
  });
}
