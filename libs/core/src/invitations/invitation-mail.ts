import { fromDbBool, nowIso, type SnackDatabase } from '@snackbase/db';
import { accountScope, allAccounts, tenantTable } from '@snackbase/tenancy';
import type { AuditRecorder } from '../audit';
import type { RequestContext } from '../context';
import type { Mail } from '../mail';
import { INVITATION_TTL_TEXT } from './invitation-rows';

/** What invitations need of the mail module: send a template with links built from app_url. */
export type InvitationMailer = Pick<Mail, 'send'>;

/** One invitation mail: the raw token goes into the link and nowhere else. */
export interface InvitationMailInput {
  readonly invitationId: string;
  readonly accountId: string;
  readonly email: string;
  readonly token: string;
  readonly expiresAt: string;
  /** The inviter's email, as the template's `invited_by`. */
  readonly invitedBy: string | null;
}

/** The email of the user `userId` (an inviter may be a superadmin, so any account). */
export async function userEmail(db: SnackDatabase, userId: string | null): Promise<string | null> {
  if (!userId) return null;
  const row = await tenantTable(db.kysely, allAccounts('an inviter may be a superadmin of the system account'), 'users')
    .select()
    .select('users.email')
    .where('users.id', '=', userId)
    .executeTakeFirst();
  return row?.email ?? null;
}

/**
 * Mails `{app_url}/accept-invitation?token=…` with the `invitation` template (the link comes
 * from the account's or the system's app_url, never from a request), then records that it was
 * sent. Resolves false when no provider is configured; a failed send rejects (callers decide).
 * Never call it inside `db.transaction`.
 */
export async function mailInvitation(ctx: RequestContext, deps: { db: SnackDatabase; mail: InvitationMailer; audit: AuditRecorder }, input: InvitationMailInput): Promise<boolean> {
  const account = await deps.db.kysely.selectFrom('accounts').select('name').where('id', '=', input.accountId).executeTakeFirst();
  const result = await deps.mail.send({
    to: input.email,
    template: 'invitation',
    accountId: input.accountId,
    requestId: ctx.requestId,
    variables: {
      email: input.email,
      user_email: input.email,
      account_name: account?.name ?? '',
      invited_by: input.invitedBy ?? 'A member of the account',
      expires_at: input.expiresAt,
      expires_in: INVITATION_TTL_TEXT,
    },
    links: { invitation_url: { path: '/accept-invitation', params: { token: input.token } } },
  });
  if (result.status !== 'sent') return false;
  await deps.db.transaction(async (trx) => {
    const invitations = tenantTable(trx, accountScope(input.accountId), 'invitations');
    const before = await invitations.select().select(['invitations.email_sent', 'invitations.email_sent_at']).where('invitations.id', '=', input.invitationId).executeTakeFirst();
    if (!before) return;
    const after = { email_sent: true, email_sent_at: nowIso() };
    await invitations.update(after).where('invitations.id', '=', input.invitationId).execute();
    const old = { email_sent: fromDbBool(before.email_sent), email_sent_at: before.email_sent_at };
    await deps.audit.record(trx, ctx, { operation: 'UPDATE', table: 'invitations', recordId: input.invitationId, accountId: input.accountId, before: old, after });
  });
  return true;
}
