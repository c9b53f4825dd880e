import type { Kysely } from 'kysely';
import type { InvitationResponse, InvitationStatus } from '@snackbase/contract';
import { fromDbBool, fromDbJson, type GlobalDatabase } from '@snackbase/db';
import { tenantTable, type TenantScope } from '@snackbase/tenancy';
import { notFound } from '../errors';

type Db = Kysely<GlobalDatabase>;

/** Invitation links live 48 hours (spec §10.6). */
export const INVITATION_TTL_MS = 48 * 60 * 60 * 1000;
/** What the invitation mail says about {@link INVITATION_TTL_MS}. */
export const INVITATION_TTL_TEXT = '48 hours';
/** The seeded `user` role, given when an invitation names none (or its role was deleted). */
export const DEFAULT_ROLE_ID = 2;

/** The 404 of a management call on an invitation the caller may not see, or that does not exist. */
export const invitationNotFound = () => notFound('Invitation not found');
/** The one 404 of the public token routes: unknown, expired, used and cancelled look the same. */
export const invalidInvitationToken = () => notFound('Invalid invitation token');

/** A stored invitation as the management routes read it (joined with its account). */
export interface InvitationRow {
  readonly id: string;
  readonly account_id: string;
  readonly account_code: string;
  readonly email: string;
  readonly role_id: number | null;
  readonly group_ids: unknown;
  readonly invited_by: string | null;
  readonly expires_at: string;
  readonly accepted_at: string | null;
  readonly cancelled_at: string | null;
  readonly created_at: string;
  readonly email_sent: boolean | number;
  readonly email_sent_at: string | null;
}

/** `accepted` and `cancelled` are final; otherwise `expired` once past `expires_at`, else `pending`. */
export function invitationStatus(row: Pick<InvitationRow, 'accepted_at' | 'cancelled_at' | 'expires_at'>, now = new Date().toISOString()): InvitationStatus {
  if (row.accepted_at) return 'accepted';
  if (row.cancelled_at) return 'cancelled';
  return row.expires_at > now ? 'pending' : 'expired';
}

/** The stored group ids (JSON) as a list of strings. */
export function groupIdsOf(row: Pick<InvitationRow, 'group_ids'>): string[] {
  const ids = fromDbJson<unknown>(row.group_ids, []);
  return Array.isArray(ids) ? ids.filter((g): g is string => typeof g === 'string') : [];
}

/** The response shape of a row; the token hash never leaves the database. */
export function toInvitationResponse(row: InvitationRow): InvitationResponse {
  return {
    id: row.id,
    account_id: row.account_id,
    account_code: row.account_code,
    email: row.email,
    role_id: row.role_id,
    group_ids: groupIdsOf(row),
    invited_by: row.invited_by,
    expires_at: row.expires_at,
    accepted_at: row.accepted_at,
    cancelled_at: row.cancelled_at,
    created_at: row.created_at,
    email_sent: fromDbBool(row.email_sent),
    email_sent_at: row.email_sent_at,
    status: invitationStatus(row),
  };
}

/** The invitations `scope` may see, with their account code (no `token_hash`). */
export function invitationRows(db: Db, scope: TenantScope) {
  return tenantTable(db, scope, 'invitations')
    .select()
    .innerJoin('accounts', 'accounts.id', 'invitations.account_id')
    .select([
      'invitations.id',
      'invitations.account_id',
      'accounts.account_code',
      'invitations.email',
      'invitations.role_id',
      'invitations.group_ids',
      'invitations.invited_by',
      'invitations.expires_at',
      'invitations.accepted_at',
      'invitations.cancelled_at',
      'invitations.created_at',
      'invitations.email_sent',
      'invitations.email_sent_at',
    ]);
}

/** Invitation `id` if `scope` may see it, else undefined (never a hint that it exists elsewhere). */
export async function findInvitation(db: Db, scope: TenantScope, id: string): Promise<InvitationRow | undefined> {
  return invitationRows(db, scope).where('invitations.id', '=', id).executeTakeFirst();
}
