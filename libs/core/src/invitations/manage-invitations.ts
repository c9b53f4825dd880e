import type { InvitationListResponse, InvitationStatus } from '@snackbase/contract';
import { nowIso, type SnackDatabase } from '@snackbase/db';
import { accountScope, tenantTable } from '@snackbase/tenancy';
import type { AuditRecorder } from '../audit';
import type { RequestContext } from '../context';
import { validationFailed } from '../errors';
import { callerOf, invitationScopeOf } from './invitation-access';
import { findInvitation, invitationNotFound, invitationRows, invitationStatus, toInvitationResponse } from './invitation-rows';

/** `GET /invitations` query. `account_id` narrows a superadmin's list and is ignored for anyone else. */
export interface InvitationListQuery {
  readonly status_filter?: InvitationStatus;
  readonly account_id?: string;
  readonly page?: number;
  readonly page_size?: number;
}

/** The default and the ceiling of `page_size`. */
export const INVITATIONS_DEFAULT_PAGE_SIZE = 100;
export const INVITATIONS_MAX_PAGE_SIZE = 1000;

/** One page of the invitations the caller may see (newest first), with the total matching the filter. */
export async function listInvitations(db: SnackDatabase, ctx: RequestContext, query: InvitationListQuery = {}): Promise<InvitationListResponse> {
  const caller = callerOf(ctx);
  const scope = caller.isSuperadmin && query.account_id ? accountScope(query.account_id) : invitationScopeOf(caller);
  const page = Math.max(1, Math.floor(query.page ?? 1));
  const pageSize = Math.min(INVITATIONS_MAX_PAGE_SIZE, Math.max(1, Math.floor(query.page_size ?? INVITATIONS_DEFAULT_PAGE_SIZE)));
  const status = query.status_filter;
  const now = nowIso();
  let base = invitationRows(db.kysely, scope);
  if (status === 'accepted') base = base.where('invitations.accepted_at', 'is not', null);
  else if (status === 'cancelled') base = base.where('invitations.accepted_at', 'is', null).where('invitations.cancelled_at', 'is not', null);
  else if (status) {
    base = base
      .where('invitations.accepted_at', 'is', null)
      .where('invitations.cancelled_at', 'is', null)
      .where('invitations.expires_at', status === 'pending' ? '>' : '<=', now);
  }
  const total = Number((await base.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
  const rows = await base
    .orderBy('invitations.created_at', 'desc')
    .orderBy('invitations.id')
    .offset((page - 1) * pageSize)
    .limit(pageSize)
    .execute();
  return { invitations: rows.map(toInvitationResponse), total, page, page_size: pageSize };
}

/**
 * `DELETE /invitations/{id}`: cancels the invitation, whose link dies at once. The row stays, with
 * status `cancelled` (the reference deletes it; keeping it gives `status_filter=cancelled` a
 * meaning). Cancelling twice is a no-op; an accepted invitation cannot be cancelled (400). The
 * cancellation is audited; a no-op is not.
 */
export async function cancelInvitation(ctx: RequestContext, deps: { db: SnackDatabase; audit: AuditRecorder }, id: string): Promise<void> {
  const row = await findInvitation(deps.db.kysely, invitationScopeOf(callerOf(ctx)), id);
  if (!row) throw invitationNotFound();
  const status = invitationStatus(row);
  if (status === 'cancelled') return;
  if (status === 'accepted') {
    const message = 'Cannot cancel invitation with status: accepted';
    throw validationFailed([{ field: 'status', message, code: 'invalid_status' }], message);
  }
  await deps.db.transaction(async (trx) => {
    const after = { cancelled_at: nowIso() };
    const cancelled = await tenantTable(trx, accountScope(row.account_id), 'invitations')
      .update(after)
      .where('invitations.id', '=', row.id)
      .where('invitations.accepted_at', 'is', null)
      .where('invitations.cancelled_at', 'is', null)
      .executeTakeFirst();
    if (Number(cancelled.numUpdatedRows) !== 1) return; // cancelled or accepted meanwhile
    await deps.audit.record(trx, ctx, { operation: 'UPDATE', table: 'invitations', recordId: row.id, accountId: row.account_id, before: { cancelled_at: null }, after });
  });
}
