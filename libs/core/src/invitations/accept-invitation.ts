import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { hashPassword, hashToken, passwordProblems } from '@snackbase/auth';
import type { PublicInvitationResponse } from '@snackbase/contract';
import { nowIso, translateDbError, type GlobalDatabase, type SnackDatabase } from '@snackbase/db';
import { accountScope, allAccounts, tenantTable } from '@snackbase/tenancy';
import type { AuditChange, AuditRecorder } from '../audit';
import type { Auth, LoginResult } from '../auth';
import type { RequestContext } from '../context';
import { conflict, validationFailed } from '../errors';
import { userEmail } from './invitation-mail';
import { DEFAULT_ROLE_ID, groupIdsOf, invalidInvitationToken } from './invitation-rows';

/** What accepting needs: the database and a login to hand the new user their tokens. */
export interface AcceptDeps {
  readonly db: SnackDatabase;
  readonly auth: Pick<Auth, 'login'>;
  readonly audit: AuditRecorder;
}

const userExists = () => conflict('User with this email already exists in this account', 'conflict', { field: 'email' });

/** The pending invitation a token names, in whatever account; undefined for unknown, used, cancelled or expired. */
async function usableInvitation(db: Kysely<GlobalDatabase>, token: string) {
  return tenantTable(db, allAccounts('invitation token names its account'), 'invitations')
    .select()
    .innerJoin('accounts', 'accounts.id', 'invitations.account_id')
    .select(['invitations.id', 'invitations.account_id', 'invitations.email', 'invitations.role_id', 'invitations.group_ids', 'invitations.invited_by', 'invitations.expires_at', 'accounts.name as account_name', 'accounts.account_code'])
    .where('invitations.token_hash', '=', hashToken(token))
    .where('invitations.accepted_at', 'is', null)
    .where('invitations.cancelled_at', 'is', null)
    .where('invitations.expires_at', '>', nowIso())
    .executeTakeFirst();
}

/**
 * `GET /invitations/{token}` (public): what the invitee needs to decide, and no ids. Unknown,
 * expired, accepted and cancelled tokens all get the same 404, so the answer is no oracle.
 */
export async function lookupInvitation(db: SnackDatabase, token: string): Promise<PublicInvitationResponse> {
  const row = await usableInvitation(db.kysely, token);
  if (!row) throw invalidInvitationToken();
  return { email: row.email, account_name: row.account_name, invited_by_name: await userEmail(db, row.invited_by), expires_at: row.expires_at, is_valid: true };
}

type Invitation = NonNullable<Awaited<ReturnType<typeof usableInvitation>>>;

/**
 * Inside the caller's transaction: claims the invitation with a conditional update (of two
 * concurrent accepts exactly one claims it), creates the user with the invited role, verified,
 * and adds them to the invited groups that still exist in the invitation's account. Returns the
 * changes to audit.
 */
async function claimAndCreateUser(trx: Kysely<GlobalDatabase>, invitation: Invitation, passwordHash: string): Promise<AuditChange[]> {
  const scope = accountScope(invitation.account_id);
  const now = nowIso();
  const claimed = await tenantTable(trx, scope, 'invitations')
    .update({ accepted_at: now })
    .where('invitations.id', '=', invitation.id)
    .where('invitations.accepted_at', 'is', null)
    .where('invitations.cancelled_at', 'is', null)
    .where('invitations.expires_at', '>', now)
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1) throw invalidInvitationToken();
  const users = tenantTable(trx, scope, 'users');
  if (await users.select().select('users.id').where('users.email', '=', invitation.email).executeTakeFirst()) throw userExists();
  const userId = randomUUID();
  const user = {
    id: userId,
    email: invitation.email,
    password_hash: passwordHash,
    role_id: invitation.role_id ?? DEFAULT_ROLE_ID,
    is_active: true,
    email_verified: true, // the mailed link proved the address
    email_verified_at: now,
    auth_provider: 'password',
    created_at: now,
    updated_at: now,
  };
  await users
    .insert(user)
    .execute()
    .catch((e: unknown) => {
      throw translateDbError(e)?.kind === 'unique' ? userExists() : e;
    });
  const groupIds = groupIdsOf(invitation);
  // Only groups still in the invitation's account: users_groups has no account_id of its own.
  const groups = groupIds.length ? await tenantTable(trx, scope, 'groups').select().select('groups.id').where('groups.id', 'in', groupIds).execute() : [];
  const memberships = groups.map((g) => ({ user_id: userId, group_id: g.id }));
  if (memberships.length) await trx.insertInto('users_groups').values(memberships).execute();
  const accountId = invitation.account_id;
  return [
    { operation: 'UPDATE', table: 'invitations', recordId: invitation.id, accountId, before: { accepted_at: null }, after: { accepted_at: now } },
    { operation: 'CREATE', table: 'users', recordId: userId, accountId, after: { ...user, account_id: accountId } },
    ...memberships.map((m): AuditChange => ({ operation: 'CREATE', table: 'users_groups', recordId: `${m.user_id}:${m.group_id}`, accountId, after: m })),
  ];
}

/** {@link claimAndCreateUser} and its audit entries (the transaction's last writes). */
async function acceptInTransaction(ctx: RequestContext, trx: Transaction<GlobalDatabase>, audit: AuditRecorder, invitation: Invitation, passwordHash: string): Promise<void> {
  for (const change of await claimAndCreateUser(trx, invitation, passwordHash)) await audit.record(trx, ctx, change);
}

/**
 * `POST /invitations/{token}/accept` (public): checks the token and the password policy, then in
 * ONE transaction claims the invitation and creates the user (see {@link claimAndCreateUser}),
 * then signs them in through the ordinary login and returns its answer (spec §10.6). Audited with
 * `ctx`'s principal (the public route's: anonymous), the login too.
 */
export async function acceptInvitation(ctx: RequestContext, deps: AcceptDeps, token: string, password: string): Promise<LoginResult> {
  const invitation = await usableInvitation(deps.db.kysely, token);
  if (!invitation) throw invalidInvitationToken();
  const problems = passwordProblems(password);
  if (problems.length) throw validationFailed(problems);
  // Hashing is slow: done before the transaction, which then holds the write lock only briefly.
  const passwordHash = await hashPassword(password);
  await deps.db.transaction((trx) => acceptInTransaction(ctx, trx, deps.audit, invitation, passwordHash));
  return deps.auth.login(ctx, { account: invitation.account_code, email: invitation.email, password });
}
