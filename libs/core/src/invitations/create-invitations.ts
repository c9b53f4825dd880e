import type { InvitationListResponse, InvitationResponse, PublicInvitationResponse } from '@snackbase/contract';
import type { SnackDatabase } from '@snackbase/db';
import type { Auth, LoginResult } from '../auth';
import type { RequestContext } from '../context';
import type { Logger } from '../logging';
import { acceptInvitation, lookupInvitation } from './accept-invitation';
import type { InvitationMailer } from './invitation-mail';
import { createInvitation, resendInvitation, type CreateInvitationInput } from './invite';
import { cancelInvitation, listInvitations, type InvitationListQuery } from './manage-invitations';

/**
 * Invitations (spec §10.6) with §12.1 items 9–10 fixed: the mail is really sent, with a link
 * built from app_url; role and groups are honoured; tokens are stored only as hashes and never
 * returned. Management calls are confined to the caller's account (superadmins: every account);
 * another account's invitation is a 404, like a missing one.
 */
export interface Invitations {
  /** Any signed-in member invites into their account (a superadmin into any `account_id`). */
  create(ctx: RequestContext, input: CreateInvitationInput): Promise<InvitationResponse>;
  list(ctx: RequestContext, query?: InvitationListQuery): Promise<InvitationListResponse>;
  /** New token and expiry, mail sent again; the old link stops working. */
  resend(ctx: RequestContext, id: string): Promise<{ message: string }>;
  cancel(ctx: RequestContext, id: string): Promise<void>;
  /** Public: what a valid token invites to; anything else is one 404. */
  lookup(token: string): Promise<PublicInvitationResponse>;
  /** Public: creates the invited user and signs them in (the login answer). Single use. */
  accept(token: string, password: string): Promise<LoginResult>;
}

/**
 * @example
 * const invitations = createInvitations({ db, mail, logger, auth });
 * const inv = await invitations.create(ctx, { email: 'new@acme.test', role_id: 2, group_ids: [editors.id] });
 */
export function createInvitations(deps: { db: SnackDatabase; mail: InvitationMailer; logger: Logger; auth: Pick<Auth, 'login'> }): Invitations {
  const { db } = deps;
  return {
    create: (ctx, input) => createInvitation(deps, ctx, input),
    list: (ctx, query) => listInvitations(db, ctx, query),
    resend: (ctx, id) => resendInvitation(deps, ctx, id),
    cancel: (ctx, id) => cancelInvitation(db, ctx, id),
    lookup: (token) => lookupInvitation(db, token),
    accept: (token, password) => acceptInvitation(deps, token, password),
  };
}
