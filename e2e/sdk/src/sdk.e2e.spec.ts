/**
 * The published client `@snackbase/sdk@0.9.0`, unchanged, against the BUILT server
 * (`dist/apps/api/main.js`) on SQLite and PostgreSQL. Mails go to a real SMTP inbox, and every
 * link a test follows is read from a mail. One server per dialect, reused by every test of it
 * (plus a short-lived second one with a strict per-identity login limit, for the 429).
 *
 * Reference: /work/shared/spec/sdk-wire.md (§4 errors, §5 auth, §6 endpoints, §8 checklist).
 */
import {
  ApiKeyRestrictedError,
  AuthenticationError,
  AuthorizationError,
  ConflictError,
  EmailVerificationRequiredError,
  NotFoundError,
  RateLimitError,
  SnackBaseClient,
  SnackBaseError,
  ValidationError,
} from '@snackbase/sdk';
import { TEST_DIALECTS, type TestDialect } from '@snackbase/testing';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  PUBLIC_URL,
  SYSTEM_ACCOUNT_ID,
  caught,
  linksTo,
  mailWithLink,
  recipients,
  recordAnswers,
  registerTenant,
  startSdkEnv,
  tokenOfLink,
  unique,
  type SdkEnv,
  type Tenant,
} from './support/sdk-env';

/** Fields our server returns that the SDK's own types do not declare. */
type Loose = Record<string, unknown>;
const loose = (v: unknown): Loose => v as Loose;

describe.each(TEST_DIALECTS as TestDialect[])('@snackbase/sdk 0.9.0 against the built server on %s', (dialect) => {
  let env: SdkEnv;
  let admin: SnackBaseClient;
  let adminUserId: string;
  /** Role ids by name (`admin`, `user`), read through `roles.list()`. */
  let roleIds: Record<string, number>;

  beforeAll(async () => {
    env = await startSdkEnv(dialect);
    admin = await env.superadmin();
    adminUserId = admin.user?.id ?? '';
    const roles = await admin.roles.list();
    roleIds = Object.fromEntries(roles.items.map((r) => [r.name, Number(r.id)]));
  }, 90_000);

  afterAll(async () => {
    await env?.stop();
  });

  /** A user created by the superadmin in `accountId` and verified, so it can sign in. */
  async function verifiedUser(accountId: string, label: string, role = 'user'): Promise<{ id: string; email: string; password: string }> {
    const email = `${unique(label)}@member.sdk.test`;
    const password = `Member-Pass-${label}-9!`;
    const created = await admin.users.create({ email, password, account_id: accountId, role_id: roleIds[role] as number });
    await admin.users.verifyEmail(created.id);
    return { id: created.id, email, password };
  }

  describe('auth', () => {
    it('superadmin: login stores the token; getCurrentUser fills user_id/account_id and makes isSuperadmin true', async () => {
      const client = env.client();
      expect(client.isAuthenticated).toBe(false);
      const res = await client.auth.login({ account: 'system', email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
      expect(typeof res.token).toBe('string');
      expect(typeof res.refresh_token).toBe('string');
      expect(res.expires_in).toBeGreaterThan(0);
      expect(res.user).toMatchObject({ email: ADMIN_EMAIL, is_active: true });
      expect(res.account).toMatchObject({ id: SYSTEM_ACCOUNT_ID, slug: 'system' });
      expect(client.isAuthenticated).toBe(true);
      expect(client.internalAuthManager.token).toBe(res.token);
      expect(client.internalAuthManager.refreshToken).toBe(res.refresh_token);
      expect(client.account?.slug).toBe('system');

      const me = await client.auth.getCurrentUser();
      expect(me).toMatchObject({ user_id: res.user?.id, account_id: SYSTEM_ACCOUNT_ID, email: ADMIN_EMAIL });
      expect(typeof me.role).toBe('string');
      expect(client.user).toMatchObject({ id: res.user?.id, account_id: SYSTEM_ACCOUNT_ID, email: ADMIN_EMAIL });
      expect(client.isSuperadmin).toBe(true);
      expect(client.isAuthenticated).toBe(true);
    });

    it('register answers 201 {message,user,account} without tokens; login before verification is EmailVerificationRequiredError; the mailed link verifies', async () => {
      const id = unique('reg');
      const email = `${id}@tenant.sdk.test`;
      const password = `Reg-Pass-${id}-1!`;
      const slug = id.toLowerCase();
      const client = env.client();
      const answers = recordAnswers(client);
      const body = loose(await client.auth.register({ email, password, account_name: `Reg ${id}`, account_slug: slug }));
      expect(answers.at(-1)).toEqual({ method: 'POST', path: '/api/v1/auth/register', status: 201 });
      expect(typeof body['message']).toBe('string');
      expect(body['user']).toMatchObject({ email });
      expect(body['account']).toMatchObject({ slug, name: `Reg ${id}` });
      expect(body).not.toHaveProperty('token');
      expect(body).not.toHaveProperty('refresh_token');
      expect(client.isAuthenticated).toBe(false);
      expect(client.internalAuthManager.token).toBeNull();

      const early = await caught(client.auth.login({ account: slug, email, password }));
      expect(early).toBeInstanceOf(EmailVerificationRequiredError);
      expect(early).toMatchObject({ status: 401, code: 'EMAIL_VERIFICATION_REQUIRED' });
      expect(client.isAuthenticated).toBe(false);

      const mail = await mailWithLink(env.inbox, email, '/verify-email');
      expect(mail.from?.value[0]?.address).toBe('noreply@sdk.test');
      expect(linksTo(mail, '/verify-email')[0]?.startsWith(`${PUBLIC_URL}/verify-email?token=`)).toBe(true);
      const verified = await client.auth.verifyEmail(tokenOfLink(mail, '/verify-email'));
      expect(typeof verified.message).toBe('string');

      const res = await client.auth.login({ account: slug, email, password });
      expect(res.user).toMatchObject({ email, role: 'admin' });
      expect(res.account).toMatchObject({ slug });
      expect(client.isAuthenticated).toBe(true);
      const me = await client.auth.getCurrentUser();
      expect(me).toMatchObject({ email, account_id: loose(body['account'])['id'], user_id: loose(body['user'])['id'] });
      expect(client.isSuperadmin).toBe(false);
    });

    it('a wrong password is AuthenticationError (not EmailVerificationRequiredError), also by account code', async () => {
      const t = await registerTenant(env, 'wrongpw');
      const client = env.client();
      const e = await caught(client.auth.login({ account: t.slug, email: t.email, password: 'Not-The-Password-1!' }));
      expect(e).toBeInstanceOf(AuthenticationError);
      expect(e).not.toBeInstanceOf(EmailVerificationRequiredError);
      expect(e).toMatchObject({ status: 401, code: 'AUTHENTICATION_ERROR', message: 'Invalid credentials' });
      expect(client.isAuthenticated).toBe(false);
      const account = await admin.accounts.get(t.accountId);
      const res = await client.auth.login({ account: account.account_code, email: t.email, password: t.password });
      expect(res.account).toMatchObject({ id: t.accountId, slug: t.slug });
    });

    it('refreshToken() rotates both tokens; reusing the old refresh token is refused and ends the family', async () => {
      const t = await registerTenant(env, 'refresh');
      const client = t.client;
      const oldToken = client.internalAuthManager.token as string;
      const oldRefresh = client.internalAuthManager.refreshToken as string;
      const rotated = await client.auth.refreshToken();
      expect(typeof rotated.token).toBe('string');
      expect(rotated.token).not.toBe(oldToken);
      expect(rotated.refresh_token).not.toBe(oldRefresh);
      expect(rotated.expires_in).toBeGreaterThan(0);
      expect(client.internalAuthManager.token).toBe(rotated.token);
      expect(client.internalAuthManager.refreshToken).toBe(rotated.refresh_token);
      expect(await client.auth.getCurrentUser()).toMatchObject({ user_id: t.userId, account_id: t.accountId });

      // A second client that still holds the old pair (as another tab would).
      const stale = env.client();
      await stale.internalAuthManager.setState({ token: oldToken, refreshToken: oldRefresh, user: client.user });
      const reuse = await caught(stale.auth.refreshToken());
      expect(reuse).toBeInstanceOf(AuthenticationError);
      expect(reuse).toMatchObject({ status: 401 });
      // Reuse revokes the family: the rotated access token stops working too (DECISIONS.md).
      expect(await caught(client.auth.getCurrentUser())).toBeInstanceOf(AuthenticationError);
    });

    it('logout() answers 200, clears the client, and the old access token is refused at once', async () => {
      const t = await registerTenant(env, 'logout');
      const client = t.client;
      const answers = recordAnswers(client);
      const token = client.internalAuthManager.token as string;
      const refresh = client.internalAuthManager.refreshToken as string;
      expect(await client.auth.logout()).toEqual({ success: true });
      expect(answers.at(-1)).toEqual({ method: 'POST', path: '/api/v1/auth/logout', status: 200 });
      expect(client.isAuthenticated).toBe(false);
      expect(client.internalAuthManager.token).toBeNull();

      const old = env.client({ getAccessToken: () => token });
      const e = await caught(old.auth.getCurrentUser());
      expect(e).toBeInstanceOf(AuthenticationError);
      expect(e).toMatchObject({ status: 401 });
      const stale = env.client();
      await stale.internalAuthManager.setState({ token, refreshToken: refresh, user: t.client.user });
      expect(await caught(stale.auth.refreshToken())).toBeInstanceOf(AuthenticationError);
    });

    it('forgotPassword mails a reset link; verifyResetToken and resetPassword use it; old password and old sessions stop working', async () => {
      const t = await registerTenant(env, 'forgot');
      const anon = env.client();
      const asked = await anon.auth.forgotPassword({ email: t.email, account: t.slug });
      expect(typeof asked.message).toBe('string');
      // An unknown email gets the same answer (no enumeration).
      expect(await anon.auth.forgotPassword({ email: `nobody-${t.email}`, account: t.slug })).toEqual(asked);

      const mail = await mailWithLink(env.inbox, t.email, '/reset-password');
      expect(linksTo(mail, '/reset-password')[0]?.startsWith(`${PUBLIC_URL}/reset-password?token=`)).toBe(true);
      const token = tokenOfLink(mail, '/reset-password');
      const check = await anon.auth.verifyResetToken(token);
      expect(check.valid).toBe(true);
      expect(typeof check.expires_at).toBe('string');

      const newPassword = `Changed-${t.password}`;
      const done = await anon.auth.resetPassword({ token, new_password: newPassword });
      expect(typeof done.message).toBe('string');

      expect(await caught(t.client.auth.getCurrentUser())).toBeInstanceOf(AuthenticationError);
      const oldLogin = await caught(anon.auth.login({ account: t.slug, email: t.email, password: t.password }));
      expect(oldLogin).toBeInstanceOf(AuthenticationError);
      expect(oldLogin).not.toBeInstanceOf(EmailVerificationRequiredError);
      const res = await anon.auth.login({ account: t.slug, email: t.email, password: newPassword });
      expect(res.user).toMatchObject({ id: t.userId, email: t.email });
      // The token is single-use.
      expect(await caught(anon.auth.resetPassword({ token, new_password: `${newPassword}x` }))).toBeInstanceOf(SnackBaseError);
    });
  });

  describe('accounts (superadmin)', () => {
    it('create, list, get, update, list users, delete; a taken slug is ValidationError (422)', async () => {
      const slug = unique('acme').toLowerCase();
      const created = await admin.accounts.create({ name: 'Acme SDK', slug });
      expect(created).toMatchObject({ slug, name: 'Acme SDK' });
      expect(created.account_code).toMatch(/^[A-Z]{2}[0-9]{4}$/);
      expect(typeof created.id).toBe('string');

      const listed = await admin.accounts.list({ search: slug, page: 1, page_size: 10 });
      expect(listed.total).toBe(1);
      expect(listed.items.map((a) => a.id)).toEqual([created.id]);
      const all = await admin.accounts.list({ sort_by: 'created_at', sort_order: 'desc' });
      expect(all.items.map((a) => a.id)).toContain(created.id);
      expect(all.items.map((a) => a.slug)).toContain('system');

      expect(await admin.accounts.get(created.id)).toMatchObject({ id: created.id, slug, name: 'Acme SDK', account_code: created.account_code });
      const renamed = await admin.accounts.update(created.id, { name: 'Acme Renamed' });
      expect(renamed).toMatchObject({ id: created.id, slug, name: 'Acme Renamed' });
      expect((await admin.accounts.get(created.id)).name).toBe('Acme Renamed');

      expect(await admin.accounts.getUsers(created.id)).toMatchObject({ items: [], total: 0 });
      const member = await verifiedUser(created.id, 'acmeuser');
      const users = await admin.accounts.getUsers(created.id);
      expect(users.total).toBe(1);
      expect(users.items.map((u) => [u.id, u.email])).toEqual([[member.id, member.email]]);

      const dup = await caught(admin.accounts.create({ name: 'Acme Again', slug }));
      expect(dup).toBeInstanceOf(ValidationError);
      expect(dup).toMatchObject({ status: 422, code: 'VALIDATION_ERROR', message: `Slug '${slug}' already exists` });

      expect(await admin.accounts.delete(created.id)).toEqual({ success: true });
      const gone = await caught(admin.accounts.get(created.id));
      expect(gone).toBeInstanceOf(NotFoundError);
      expect(gone).toMatchObject({ status: 404 });
      // The account's users went with it.
      expect(await caught(admin.users.get(member.id))).toBeInstanceOf(NotFoundError);
    });
  });

  describe('users (superadmin)', () => {
    it('create, list, get, update, setPassword, verify, deactivate; a duplicate email is ConflictError', async () => {
      const t = await registerTenant(env, 'usersacct');
      const email = `${unique('u')}@member.sdk.test`;
      const created = await admin.users.create({ email, password: 'First-Pass-123!', account_id: t.accountId, role_id: roleIds['user'] as number });
      expect(created).toMatchObject({ email, account_id: t.accountId, is_active: true });
      expect(loose(created)).toMatchObject({ role_id: roleIds['user'], role_name: 'user', email_verified: false });

      const listed = await admin.users.list({ account_id: t.accountId });
      expect(listed.total).toBe(2);
      expect(listed.items.map((u) => u.email).sort()).toEqual([email, t.email].sort());
      const searched = await admin.users.list({ search: email });
      expect(searched.items.map((u) => u.id)).toEqual([created.id]);

      expect(await admin.users.get(created.id)).toMatchObject({ id: created.id, email, account_id: t.accountId });

      const promoted = await admin.users.update(created.id, { role_id: roleIds['admin'] as number });
      expect(loose(promoted)).toMatchObject({ id: created.id, role_id: roleIds['admin'], role_name: 'admin' });

      const member = env.client();
      expect(await caught(member.auth.login({ account: t.slug, email, password: 'First-Pass-123!' }))).toBeInstanceOf(EmailVerificationRequiredError);

      expect(await admin.users.setPassword(created.id, 'Second-Pass-456!')).toEqual({ success: true });
      const verified = await admin.users.verifyEmail(created.id);
      expect(typeof verified.message).toBe('string');
      expect(loose(await admin.users.get(created.id))).toMatchObject({ email_verified: true });

      expect(await caught(member.auth.login({ account: t.slug, email, password: 'First-Pass-123!' }))).toBeInstanceOf(AuthenticationError);
      const res = await member.auth.login({ account: t.slug, email, password: 'Second-Pass-456!' });
      expect(res.user).toMatchObject({ id: created.id, role: 'admin' });
      expect(await member.auth.getCurrentUser()).toMatchObject({ user_id: created.id, account_id: t.accountId });

      const deactivated = await admin.users.update(created.id, { is_active: false });
      expect(deactivated).toMatchObject({ id: created.id, is_active: false });
      // Deactivation cuts off the session at once, and sign-in.
      expect(await caught(member.auth.getCurrentUser())).toBeInstanceOf(AuthenticationError);
      expect(await caught(member.auth.login({ account: t.slug, email, password: 'Second-Pass-456!' }))).toBeInstanceOf(AuthenticationError);
      expect((await admin.users.list({ account_id: t.accountId, is_active: false })).items.map((u) => u.id)).toEqual([created.id]);

      // users.delete is the SDK's soft delete (deactivation).
      const other = await verifiedUser(t.accountId, 'softdel');
      expect(await admin.users.delete(other.id)).toEqual({ success: true });
      expect(await admin.users.get(other.id)).toMatchObject({ id: other.id, is_active: false });

      const dup = await caught(admin.users.create({ email, password: 'Third-Pass-789!', account_id: t.accountId, role_id: roleIds['user'] as number }));
      expect(dup).toBeInstanceOf(ConflictError);
      expect(dup).toMatchObject({ status: 409, code: 'CONFLICT_ERROR' });
    });
  });

  describe('groups (tenant admin)', () => {
    let owner: Tenant;
    let outsider: Tenant;
    beforeAll(async () => {
      owner = await registerTenant(env, 'groupsown');
      outsider = await registerTenant(env, 'groupsout');
    });

    it('create, list (array → {items,total,page,page_size}), get, update, add and remove a user, delete', async () => {
      const g = owner.client.groups;
      const created = await g.create({ name: 'Editors', description: 'Can edit' });
      expect(created).toMatchObject({ name: 'Editors', description: 'Can edit', account_id: owner.accountId });
      expect(typeof created.id).toBe('string');

      // Every account starts with its `pii_access` group (the registering admin is in it).
      const listed = await g.list();
      expect(listed).toEqual({ items: expect.any(Array), total: 2, page: 1, page_size: 2 });
      expect(listed.items.map((i) => [i.name, loose(i)['account_id'], loose(i)['member_count']]).sort()).toEqual([
        ['Editors', owner.accountId, 0],
        ['pii_access', owner.accountId, 1],
      ]);

      expect(await g.get(created.id)).toMatchObject({ id: created.id, name: 'Editors', account_id: owner.accountId, users: [] });
      const updated = await g.update(created.id, { name: 'Editors 2', description: 'Renamed' });
      expect(updated).toMatchObject({ id: created.id, name: 'Editors 2', description: 'Renamed' });

      const member = await verifiedUser(owner.accountId, 'grpmember');
      expect(await g.addMember(created.id, member.id)).toEqual({ success: true });
      const withMember = loose(await g.get(created.id));
      expect((withMember['users'] as Loose[]).map((u) => [u['id'], u['email']])).toEqual([[member.id, member.email]]);
      // Adding twice is a conflict.
      expect(await caught(g.addMember(created.id, member.id))).toBeInstanceOf(ConflictError);

      expect(await g.removeMember(created.id, member.id)).toEqual({ success: true });
      expect(loose(await g.get(created.id))['users']).toEqual([]);

      expect(await g.delete(created.id)).toEqual({ success: true });
      expect(await caught(g.get(created.id))).toBeInstanceOf(NotFoundError);
      expect((await g.list()).items.map((i) => i.name)).toEqual(['pii_access']);
    });

    it('another account’s user gets NotFoundError for the group, and cannot add its users to it', async () => {
      const created = await owner.client.groups.create({ name: 'Private' });
      for (const attempt of [
        outsider.client.groups.get(created.id),
        outsider.client.groups.update(created.id, { name: 'Hijacked' }),
        outsider.client.groups.addMember(created.id, outsider.userId),
        outsider.client.groups.delete(created.id),
      ]) {
        const e = await caught(attempt);
        expect(e).toBeInstanceOf(NotFoundError);
        expect(e).toMatchObject({ status: 404 });
      }
      const theirs = await outsider.client.groups.list();
      expect(theirs.items.map((i) => [i.name, loose(i)['account_id']])).toEqual([['pii_access', outsider.accountId]]);
      // A user of another account cannot be added by the owner either.
      expect(await caught(owner.client.groups.addMember(created.id, outsider.userId))).toBeInstanceOf(SnackBaseError);
      expect(await owner.client.groups.get(created.id)).toMatchObject({ name: 'Private', users: [] });
    });
  });

  describe('roles (superadmin)', () => {
    it('list holds admin and user; create, get, update, delete; a taken name is ConflictError; tenants get AuthorizationError', async () => {
      const list = await admin.roles.list();
      expect(list.items.map((r) => r.name)).toEqual(expect.arrayContaining(['admin', 'user']));
      expect(list.total).toBe(list.items.length);

      const name = unique('editor');
      const created = await admin.roles.create({ name, description: 'Edits things' });
      expect(created).toMatchObject({ name, description: 'Edits things' });
      const id = String(created.id);
      expect(await admin.roles.get(id)).toMatchObject({ name, description: 'Edits things' });
      expect(await admin.roles.update(id, { name, description: 'Edits more' })).toMatchObject({ name, description: 'Edits more' });
      const dup = await caught(admin.roles.create({ name }));
      expect(dup).toBeInstanceOf(ConflictError);
      expect(dup).toMatchObject({ status: 409 });
      expect(await admin.roles.delete(id)).toEqual({ success: true });
      expect(await caught(admin.roles.get(id))).toBeInstanceOf(NotFoundError);

      const t = await registerTenant(env, 'rolesten');
      const denied = await caught(t.client.roles.list());
      expect(denied).toBeInstanceOf(AuthorizationError);
      expect(denied).not.toBeInstanceOf(ApiKeyRestrictedError);
      expect(denied).toMatchObject({ status: 403, code: 'AUTHORIZATION_ERROR' });
    });
  });

  describe('invitations (tenant admin)', () => {
    let owner: Tenant;
    let outsider: Tenant;
    beforeAll(async () => {
      owner = await registerTenant(env, 'invown');
      outsider = await registerTenant(env, 'invout');
    });

    it('create mails a link; list, resend, getPublic, accept (tokens back, the invitee signs in), status accepted', async () => {
      const invitee = `${unique('invitee')}@guest.sdk.test`;
      const inv = await owner.client.invitations.create({ email: invitee });
      expect(inv).toMatchObject({ email: invitee, account_id: owner.accountId, status: 'pending' });
      expect(inv).not.toHaveProperty('token');

      const first = await mailWithLink(env.inbox, invitee, '/accept-invitation');
      expect(recipients(first)).toEqual([invitee]);
      expect(linksTo(first, '/accept-invitation')[0]?.startsWith(`${PUBLIC_URL}/accept-invitation?token=`)).toBe(true);

      const listed = await owner.client.invitations.list();
      expect(listed.total).toBe(1);
      expect(listed.invitations.map((i) => [i.id, i.email, i.status])).toEqual([[inv.id, invitee, 'pending']]);
      expect((await owner.client.invitations.list({ status_filter: 'accepted' })).total).toBe(0);
      expect((await outsider.client.invitations.list()).total).toBe(0);

      const resent = await owner.client.invitations.resend(inv.id);
      expect(typeof resent.message).toBe('string');
      const second = await mailWithLink(env.inbox, invitee, '/accept-invitation', 2);
      const token = tokenOfLink(second, '/accept-invitation');

      expect(await env.client().invitations.getPublic(token)).toMatchObject({
        email: invitee,
        account_name: owner.accountName,
        invited_by_name: owner.email,
        is_valid: true,
      });

      const password = 'Invitee-Pass-1!';
      const accepted = await env.client().invitations.accept(token, password);
      expect(typeof accepted.token).toBe('string');
      expect(typeof accepted.refresh_token).toBe('string');
      expect(accepted.user).toMatchObject({ email: invitee, role: 'user' });
      expect(accepted.account).toMatchObject({ id: owner.accountId, slug: owner.slug });

      const guest = env.client();
      const res = await guest.auth.login({ account: owner.slug, email: invitee, password });
      expect(res.user).toMatchObject({ email: invitee, role: 'user' });
      expect(await guest.auth.getCurrentUser()).toMatchObject({ email: invitee, account_id: owner.accountId });

      expect((await owner.client.invitations.list({ status_filter: 'accepted' })).invitations.map((i) => i.id)).toEqual([inv.id]);
      expect(await caught(env.client().invitations.accept(token, password))).toBeInstanceOf(SnackBaseError);
    });

    it('cancel removes a pending invitation (its link stops working); another account gets NotFoundError', async () => {
      const invitee = `${unique('cancel')}@guest.sdk.test`;
      const inv = await owner.client.invitations.create({ email: invitee });
      const token = tokenOfLink(await mailWithLink(env.inbox, invitee, '/accept-invitation'), '/accept-invitation');

      for (const attempt of [outsider.client.invitations.cancel(inv.id), outsider.client.invitations.resend(inv.id)]) {
        const e = await caught(attempt);
        expect(e).toBeInstanceOf(NotFoundError);
        expect(e).toMatchObject({ status: 404 });
      }
      const dup = await caught(owner.client.invitations.create({ email: invitee }));
      expect(dup).toBeInstanceOf(ConflictError);

      expect(await owner.client.invitations.cancel(inv.id)).toEqual({ success: true });
      expect((await owner.client.invitations.list({ status_filter: 'pending' })).invitations.map((i) => i.id)).not.toContain(inv.id);
      expect(await caught(env.client().invitations.getPublic(token))).toBeInstanceOf(NotFoundError);
      expect(await caught(env.client().invitations.accept(token, 'Whatever-Pass-1!'))).toBeInstanceOf(NotFoundError);
    });
  });

  describe('apiKeys (superadmin)', () => {
    it('create shows the key once; list masks it; get; a client configured with apiKey acts as the owner; revoke ends it', async () => {
      const created = await admin.apiKeys.create({ name: 'CI key' });
      expect(created).toMatchObject({ name: 'CI key', expires_at: null });
      // The SDK only reads the `sb_ak.` prefix (tokenType); the rest is the server's business.
      expect(created.key).toMatch(/^sb_ak\.[A-Za-z0-9_.-]{20,}$/);
      expect(typeof created.id).toBe('string');
      expect(typeof created.created_at).toBe('string');

      const listed = await admin.apiKeys.list();
      const item = listed.items.find((k) => k.id === created.id);
      expect(item).toMatchObject({ name: 'CI key', is_active: true, last_used_at: null });
      expect(item?.key).not.toBe(created.key);
      expect(JSON.stringify(listed)).not.toContain(created.key);
      expect(listed.total).toBe(listed.items.length);
      const detail = await admin.apiKeys.get(created.id);
      expect(detail).toMatchObject({ id: created.id, name: 'CI key', is_active: true });
      expect(detail.key).not.toBe(created.key);

      const service = env.client({ apiKey: created.key });
      const me = await service.auth.getCurrentUser();
      expect(me).toMatchObject({ user_id: adminUserId, account_id: SYSTEM_ACCOUNT_ID, email: ADMIN_EMAIL });
      expect(service.isSuperadmin).toBe(true);
      const t = await registerTenant(env, 'apikeyten');
      const users = await service.users.list({ account_id: t.accountId });
      expect(users.items.map((u) => u.email)).toEqual([t.email]);
      expect((await admin.apiKeys.get(created.id)).last_used_at).not.toBeNull();

      // The key as a Bearer token (an external token provider makes the SDK send it that way).
      const bearer = env.client({ getAccessToken: () => created.key });
      expect(await bearer.auth.getCurrentUser()).toMatchObject({ user_id: adminUserId, account_id: SYSTEM_ACCOUNT_ID });

      await expect(admin.apiKeys.revoke(created.id)).resolves.toBeUndefined();
      const revoked = await caught(service.auth.getCurrentUser());
      expect(revoked).toBeInstanceOf(AuthenticationError);
      expect(revoked).toMatchObject({ status: 401 });
      expect(await caught(bearer.auth.getCurrentUser())).toBeInstanceOf(AuthenticationError);
      expect((await admin.apiKeys.list()).items.filter((k) => k.id === created.id && k.is_active)).toEqual([]);
    });

    it('a Bearer token decides when a wrong X-API-Key comes with it; the wrong key alone is AuthenticationError', async () => {
      // Wrong keys in the reference's three-part form and in the server's own form.
      for (const wrongKey of ['sb_ak.bm90LWEta2V5.bm90LWEtc2ln', `sb_ak.${'x'.repeat(43)}`]) {
        const both = env.client({ apiKey: wrongKey });
        await both.auth.login({ account: 'system', email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
        expect(await both.auth.getCurrentUser()).toMatchObject({ user_id: adminUserId, account_id: SYSTEM_ACCOUNT_ID });
        expect((await both.users.list({ account_id: SYSTEM_ACCOUNT_ID })).items.map((u) => u.email)).toContain(ADMIN_EMAIL);

        const keyOnly = env.client({ apiKey: wrongKey });
        const e = await caught(keyOnly.auth.getCurrentUser());
        expect(e).toBeInstanceOf(AuthenticationError);
        expect(e).toMatchObject({ status: 401 });
      }
    });

    it('tenant users get AuthorizationError on api-keys', async () => {
      const t = await registerTenant(env, 'keyten');
      const e = await caught(t.client.apiKeys.list());
      expect(e).toBeInstanceOf(AuthorizationError);
      expect(e).toMatchObject({ status: 403 });
    });
  });

  describe('error mapping', () => {
    it('404 NotFoundError, 409 ConflictError, 403 AuthorizationError, 401 AuthenticationError, each with status and code', async () => {
      const nf = await caught(admin.users.get('00000000-0000-4000-8000-00000000dead'));
      expect(nf).toBeInstanceOf(NotFoundError);
      expect(nf).toMatchObject({ status: 404, code: 'NOT_FOUND_ERROR', retryable: false });
      expect(typeof nf.message).toBe('string');
      expect(nf.message).not.toBe('An unexpected error occurred');

      const t = await registerTenant(env, 'errmap');
      const conflict = await caught(env.client().auth.register({ email: `${unique('x')}@tenant.sdk.test`, password: 'Conflict-Pass-1!', account_name: 'Dup', account_slug: t.slug }));
      expect(conflict).toBeInstanceOf(ConflictError);
      expect(conflict).toMatchObject({ status: 409, code: 'CONFLICT_ERROR' });

      const forbidden = await caught(t.client.accounts.list());
      expect(forbidden).toBeInstanceOf(AuthorizationError);
      expect(forbidden).toMatchObject({ status: 403, code: 'AUTHORIZATION_ERROR' });

      const anonymous = await caught(env.client().users.list());
      expect(anonymous).toBeInstanceOf(AuthenticationError);
      expect(anonymous).toMatchObject({ status: 401, code: 'AUTHENTICATION_ERROR' });
    });

    it('429 RateLimitError with retryAfter > 0 (second server, SNACKBASE_AUTH_RATE_LIMIT_PER_IDENTITY=2)', async () => {
      const strict = await startSdkEnv(dialect, { SNACKBASE_AUTH_RATE_LIMIT_PER_IDENTITY: '2' });
      try {
        const client = strict.client();
        const errors = [];
        for (let i = 0; i < 3; i += 1) errors.push(await caught(client.auth.login({ account: 'system', email: ADMIN_EMAIL, password: `Wrong-Pass-${i}!` })));
        expect(errors.slice(0, 2).map((e) => e.constructor.name)).toEqual(['AuthenticationError', 'AuthenticationError']);
        const limited = errors[2] as RateLimitError;
        expect(limited).toBeInstanceOf(RateLimitError);
        expect(limited).toMatchObject({ status: 429, code: 'RATE_LIMIT_ERROR', retryable: true });
        expect(limited.retryAfter).toBeGreaterThan(0);
        // The right password is blocked too while the identity is limited.
        expect(await caught(client.auth.login({ account: 'system', email: ADMIN_EMAIL, password: ADMIN_PASSWORD }))).toBeInstanceOf(RateLimitError);
      } finally {
        await strict.stop();
      }
    }, 90_000);
  });
});
