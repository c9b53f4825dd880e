import type { InvitationListResponse, InvitationResponse, PublicInvitationResponse } from '@snackbase/contract';
import type { SnackDatabase } from '@snackbase/db';
import type { AuditRecorder } from '../audit';
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
 * another account's invitation is a 404, like a missing one. Create, resend, cancel and accept
 * are audited (`token_hash` redacted) with `ctx`'s principal as the actor.
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
  accept(ctx: RequestContext, token: string, password: string): Promise<LoginResult>;
}

/**
 * @example
 * const invitations = createInvitations({ db, mail, logger, auth, audit });
 * const inv = await invitations.create(ctx, { email: 'new@acme.test', role_id: 2, group_ids: [editors.id] });
 */
export function createInvitations(deps: { db: SnackDatabase; mail: InvitationMailer; logger: Logger; auth: Pick<Auth, 'login'>; audit: AuditRecorder }): Invitations {
  const { db } = deps;
  return {
    create: (ctx, input) => createInvitation(ctx, deps, input),
    list: (ctx, query) => listInvitations(db, ctx, query),
    resend: (ctx, id) => resendInvitation(ctx, deps, id),
    cancel: (ctx, id) => cancelInvitation(ctx, deps, id),
    lookup: (token) => lookupInvitation(db, token),
    accept: (ctx, token, password) => acceptInvitation(ctx, deps, token, password),
  };
}
