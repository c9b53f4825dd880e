/**
 * Invitation request/response schemas (spec §10.6). Unknown keys in request bodies are ignored,
 * as the reference does; `account_id` on create is honoured for superadmins only. Tokens are
 * never part of a response: they exist only in the mailed link (spec §12.1 item 10 fixed).
 */

const email = { type: 'string', minLength: 3, maxLength: 255, pattern: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$' } as const;
const id = { type: 'string', minLength: 1, maxLength: 36 } as const;
const groupIds = { type: 'array', maxItems: 100, items: id } as const;

/** The derived status of an invitation. */
export const INVITATION_STATUSES = ['pending', 'accepted', 'expired', 'cancelled'] as const;

/** One of {@link INVITATION_STATUSES}. */
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

export const createInvitationRequestSchema = {
  $id: 'InvitationCreate',
  type: 'object',
  required: ['email'],
  properties: {
    email,
    role_id: { type: ['integer', 'null'], minimum: 1, description: 'Role given on acceptance (default `user`); admins and superadmins only, ignored otherwise' },
    group_ids: { ...groupIds, description: 'Groups of the same account the invitee joins on acceptance' },
    groups: { ...groupIds, description: 'Alias of group_ids (the reference’s name)' },
    account_id: { type: ['string', 'null'], maxLength: 36, description: 'Target account; honoured for superadmins only, ignored otherwise' },
  },
} as const;

export const acceptInvitationRequestSchema = {
  $id: 'InvitationAccept',
  type: 'object',
  required: ['password'],
  properties: { password: { type: 'string', minLength: 1, maxLength: 1024, description: 'Checked against the password policy (spec §2.9)' } },
} as const;

/** `GET /invitations?status_filter&account_id&page&page_size`: query values arrive as strings. */
export const listInvitationsQuerySchema = {
  type: 'object',
  properties: {
    status_filter: { type: 'string', enum: INVITATION_STATUSES },
    account_id: { type: 'string', maxLength: 36, description: 'Superadmins only; ignored for other callers' },
    page: { type: 'string', pattern: '^[1-9][0-9]{0,8}$', description: 'Page number (default 1)' },
    page_size: { type: 'string', pattern: '^[1-9][0-9]{0,8}$', description: 'Rows per page (default 100, at most 1000)' },
  },
} as const;

const invitationProperties = {
  id: { type: 'string' },
  account_id: { type: 'string' },
  account_code: { type: 'string' },
  email: { type: 'string' },
  role_id: { type: ['integer', 'null'] },
  group_ids: { type: 'array', items: { type: 'string' } },
  invited_by: { type: ['string', 'null'] },
  expires_at: { type: 'string' },
  accepted_at: { type: ['string', 'null'] },
  cancelled_at: { type: ['string', 'null'] },
  created_at: { type: 'string' },
  email_sent: { type: 'boolean' },
  email_sent_at: { type: ['string', 'null'] },
  status: { type: 'string', enum: INVITATION_STATUSES },
} as const;
const invitationRequired = Object.keys(invitationProperties) as readonly string[];

export const invitationResponseSchema = { $id: 'InvitationResponse', type: 'object', required: invitationRequired, properties: invitationProperties } as const;

export const invitationListResponseSchema = {
  $id: 'InvitationListResponse',
  type: 'object',
  required: ['invitations', 'total'],
  properties: {
    invitations: { type: 'array', items: { type: 'object', required: invitationRequired, properties: invitationProperties } },
    total: { type: 'integer' },
    page: { type: 'integer' },
    page_size: { type: 'integer' },
  },
} as const;

export const publicInvitationResponseSchema = {
  $id: 'PublicInvitationResponse',
  type: 'object',
  required: ['email', 'account_name', 'invited_by_name', 'expires_at', 'is_valid'],
  properties: {
    email: { type: 'string' },
    account_name: { type: 'string' },
    invited_by_name: { type: ['string', 'null'], description: 'The inviter’s email' },
    expires_at: { type: 'string' },
    is_valid: { type: 'boolean', const: true },
  },
} as const;

export const invitationMessageResponseSchema = {
  $id: 'InvitationMessageResponse',
  type: 'object',
  required: ['message'],
  properties: { message: { type: 'string' } },
} as const;

/** One invitation as its account's members see it (no token, only its hash is stored). */
export interface InvitationResponse {
  readonly id: string;
  readonly account_id: string;
  readonly account_code: string;
  readonly email: string;
  readonly role_id: number | null;
  readonly group_ids: readonly string[];
  readonly invited_by: string | null;
  readonly expires_at: string;
  readonly accepted_at: string | null;
  readonly cancelled_at: string | null;
  readonly created_at: string;
  readonly email_sent: boolean;
  readonly email_sent_at: string | null;
  readonly status: InvitationStatus;
}

/** `GET /invitations`. */
export interface InvitationListResponse {
  readonly invitations: readonly InvitationResponse[];
  readonly total: number;
  readonly page: number;
  readonly page_size: number;
}

/** `GET /invitations/{token}`: what the invitee may see before accepting, and nothing more. */
export interface PublicInvitationResponse {
  readonly email: string;
  readonly account_name: string;
  readonly invited_by_name: string | null;
  readonly expires_at: string;
  readonly is_valid: true;
}
