import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { hashToken, randomToken } from '@snackbase/auth';
import type { InvitationResponse } from '@snackbase/contract';
import { fromDbBool, nowIso, type GlobalDatabase, type SnackDatabase } from '@snackbase/db';
import { accountScope, tenantTable } from '@snackbase/tenancy';
import type { AuditRecorder } from '../audit';
import type { RequestContext } from '../context';
import { conflict, notFound, serviceUnavailable, validationFailed } from '../errors';
import type { Logger } from '../logging';
import { callerOf, invitationScopeOf, mayChooseRole } from './invitation-access';
import { mailInvitation, userEmail, type InvitationMailer } from './invitation-mail';
import { findInvitation, INVITATION_TTL_MS, invitationNotFound, invitationStatus, toInvitationResponse } from './invitation-rows';

type Trx = Transaction<GlobalDatabase>;

/** What creating and resending need. */
export interface InviteDeps {
  readonly db: SnackDatabase;
  readonly mail: InvitationMailer;
  readonly logger: Logger;
  readonly audit: AuditRecorder;
}

/** `POST /invitations` body. `account_id` counts for superadmins only, `role_id` for admins and superadmins. */
export interface CreateInvitationInput {
  readonly email: string;
  readonly role_id?: number | null;
  readonly group_ids?: readonly string[];
  /** The reference's name for `group_ids`; used when `group_ids` is absent. */
  readonly groups?: readonly string[];
  readonly account_id?: string | null;
}

const newExpiry = () => new Date(Date.now() + INVITATION_TTL_MS).toISOString();

/** Refuses what cannot be invited: unknown role, groups outside the account, existing user, pending invitation. */
async function checkInvitable(trx: Trx, accountId: string, email: string, roleId: number | null, groupIds: readonly string[]): Promise<void> {
  if (roleId !== null && !(await trx.selectFrom('roles').select('id').where('id', '=', roleId).executeTakeFirst())) throw notFound('Role not found');
  const scope = accountScope(accountId);
  if (groupIds.length) {
    const found = await tenantTable(trx, scope, 'groups').select().select('groups.id').where('groups.id', 'in', groupIds).execute();
    // A group of another account gets the same answer as one that does not exist.
    if (found.length !== groupIds.length) {
      throw validationFailed([{ field: 'group_ids', message: 'Group not found in this account', code: 'invalid_reference' }], 'Group not found in this account');
    }
  }
  if (await tenantTable(trx, scope, 'users').select().select('users.id').where('users.email', '=', email).executeTakeFirst()) {
    throw conflict('User with this email already exists in this account', 'conflict', { field: 'email' });
  }
  const pending = await tenantTable(trx, scope, 'invitations')
    .select()
    .select('invitations.id')
    .where('invitations.email', '=', email)
    .where('invitations.accepted_at', 'is', null)
    .where('invitations.cancelled_at', 'is', null)
    .where('invitations.expires_at', '>', nowIso())
    .executeTakeFirst();
  if (pending) throw conflict('A pending invitation already exists for this email', 'conflict', { field: 'email' });
}

/**
 * `POST /invitations` (spec §10.6, §12.1 items 9–10 fixed): stores only the token's hash (audited,
 * redacted), commits, then mails the link. A mail that cannot be sent leaves the invitation
 * pending with `email_sent: false` (the inviter can resend); the token is never returned.
 */
export async function createInvitation(ctx: RequestContext, deps: InviteDeps, input: CreateInvitationInput): Promise<InvitationResponse> {
  const caller = callerOf(ctx);
  const accountId = caller.isSuperadmin && input.account_id ? input.account_id : caller.accountId;
  const email = input.email.trim().toLowerCase();
  const roleId = mayChooseRole(caller) ? (input.role_id ?? null) : null;
  const groupIds = [...new Set(input.group_ids ?? input.groups ?? [])];
  const token = randomToken(32);
  const expiresAt = newExpiry();
  const id = randomUUID();
  await deps.db.transaction(async (trx) => {
    if (!(await trx.selectFrom('accounts').select('id').where('id', '=', accountId).executeTakeFirst())) throw notFound('Account not found');
    await checkInvitable(trx, accountId, email, roleId, groupIds);
    const row = { id, email, token_hash: hashToken(token), role_id: roleId, group_ids: JSON.stringify(groupIds), invited_by: caller.userId, expires_at: expiresAt, created_at: nowIso() };
    await tenantTable(trx, accountScope(accountId), 'invitations').insert(row).execute();
    const after = { ...row, account_id: accountId, group_ids: groupIds, accepted_at: null, cancelled_at: null, email_sent: false, email_sent_at: null };
    await deps.audit.record(trx, ctx, { operation: 'CREATE', table: 'invitations', recordId: id, accountId, after });
  });
  try {
    await mailInvitation(ctx, deps, { invitationId: id, accountId, email, token, expiresAt, invitedBy: caller.email });
  } catch (e) {
    deps.logger.warn('invitation mail failed', { request_id: ctx.requestId, error: (e as Error).message, account_id: accountId, invitation_id: id });
  }
  const row = await findInvitation(deps.db.kysely, accountScope(accountId), id);
  if (!row) throw invitationNotFound();
  return toInvitationResponse(row);
}

/**
 * Gives the invitation `token` and a fresh 48 h, audited; a 404 when it was accepted or cancelled
 * meanwhile. Returns the new expiry.
 */
async function renewToken(ctx: RequestContext, deps: InviteDeps, row: { id: string; account_id: string }, token: string): Promise<string> {
  const expiresAt = newExpiry();
  await deps.db.transaction(async (trx) => {
    const invitations = tenantTable(trx, accountScope(row.account_id), 'invitations');
    const before = await invitations
      .select()
      .select(['invitations.token_hash', 'invitations.expires_at', 'invitations.email_sent', 'invitations.email_sent_at'])
      .where('invitations.id', '=', row.id)
      .executeTakeFirst();
    const after = { token_hash: hashToken(token), expires_at: expiresAt, email_sent: false, email_sent_at: null };
    const renewed = await invitations.update(after).where('invitations.id', '=', row.id).where('invitations.accepted_at', 'is', null).where('invitations.cancelled_at', 'is', null).executeTakeFirst();
    if (!before || Number(renewed.numUpdatedRows) !== 1) throw invitationNotFound(); // accepted or cancelled meanwhile
    const old = { ...before, email_sent: fromDbBool(before.email_sent) };
    await deps.audit.record(trx, ctx, { operation: 'UPDATE', table: 'invitations', recordId: row.id, accountId: row.account_id, before: old, after });
  });
  return expiresAt;
}

/**
 * `POST /invitations/{id}/resend`: a new token and a fresh 48 h (the old link dies at once), then
 * the mail. Pending and expired invitations can be resent; accepted and cancelled ones are a 400.
 */
export async function resendInvitation(ctx: RequestContext, deps: InviteDeps, id: string): Promise<{ message: string }> {
  const caller = callerOf(ctx);
  const row = await findInvitation(deps.db.kysely, invitationScopeOf(caller), id);
  if (!row) throw invitationNotFound();
  const status = invitationStatus(row);
  if (status === 'accepted' || status === 'cancelled') {
    const message = `Cannot resend invitation with status: ${status}`;
    throw validationFailed([{ field: 'status', message, code: 'invalid_status' }], message);
  }
  const token = randomToken(32);
  const expiresAt = await renewToken(ctx, deps, row, token);
  const invitedBy = (await userEmail(deps.db, row.invited_by)) ?? caller.email;
  let sent = false;
  try {
    sent = await mailInvitation(ctx, deps, { invitationId: row.id, accountId: row.account_id, email: row.email, token, expiresAt, invitedBy });
  } catch (e) {
    deps.logger.warn('invitation mail failed', { request_id: ctx.requestId, error: (e as Error).message, account_id: row.account_id, invitation_id: row.id });
  }
  if (!sent) throw serviceUnavailable('Failed to send email');
  return { message: 'Invitation email resent successfully' };
}
