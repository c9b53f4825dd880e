export { createInvitations } from './create-invitations';
export type { Invitations } from './create-invitations';
export type { CreateInvitationInput } from './invite';
export type { InvitationMailer } from './invitation-mail';
export { DEFAULT_ROLE_ID, INVITATION_TTL_MS } from './invitation-rows';
export { INVITATIONS_DEFAULT_PAGE_SIZE, INVITATIONS_MAX_PAGE_SIZE } from './manage-invitations';
export type { InvitationListQuery } from './manage-invitations';
