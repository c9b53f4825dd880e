import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { createSuperadmin, systemContext, type Core, type RequestContext } from '@snackbase/core';
import { accountScope, allAccounts, tenantTable } from '@snackbase/tenancy';
import { TEST_DIALECTS, type SmtpInbox } from '@snackbase/testing';
import { mailedLink, signIn as signInAs, startTestServer, type SmtpTestServer } from '../test-support/test-server';
import { addVerifiedUser, insertTwoAccounts } from '../test-support/two-accounts';

const PASSWORD = 'Correct-Horse-9!';
type Caller = 'anonymous' | 'userA' | 'adminA' | 'userB' | 'superadmin';

describe.each(TEST_DIALECTS)('invitations routes on %s', (dialect) => {
  let server: SmtpTestServer;
  let core: Core;
  let app: Express;
  let inbox: SmtpInbox;
  const A = { id: randomUUID(), code: 'AA0001' };
  const B = { id: randomUUID(), code: 'BB0001' };
  const ids = { userA: randomUUID(), adminA: randomUUID(), userB: randomUUID() };
  const groups = { a1: '', a2: '', b: '' };
  const tokens: Partial<Record<Caller, string>> = {};
  const mailedTokens: string[] = [];

  const ctxOf = (userId: string, accountId: string, email: string): RequestContext => ({
    principal: { kind: 'user', userId, accountId, email, role: 'admin', sessionId: 's', isSuperadmin: false },
    requestId: 'cid_fixture',
  });

  /** A request as `caller` (no Authorization header for anonymous), always with a hostile Host header. */
  function as(caller: Caller, method: 'get' | 'post' | 'delete', url: string) {
    const req = request(app)[method](url).set('Host', 'evil.example');
    const token = tokens[caller];
    return token ? req.set('Authorization', `Bearer ${token}`) : req;
  }
  const invite = (caller: Caller, body: object) => as(caller, 'post', '/api/v1/invitations').send(body);
  const login = (account: string, email: string, password = PASSWORD) => request(app).post('/api/v1/auth/login').send({ account, email, password });
  const lookup = (token: string) => request(app).get(`/api/v1/invitations/${token}`);
  const accept = (token: string, body: object = { password: PASSWORD }) => request(app).post(`/api/v1/invitations/${token}/accept`).send(body);
  const invitationRow = (id: string) => tenantTable(core.db.kysely, allAccounts('test reads any invitation'), 'invitations').select().selectAll().where('id', '=', id).executeTakeFirst();
  const countInvitations = async (email: string) => (await tenantTable(core.db.kysely, allAccounts('test counts'), 'invitations').select().select('id').where('email', '=', email).execute()).length;

  /** The token of the newest invitation link mailed to `to` after `after` mails; the link must be built from the public URL. */
  async function mailedToken(to: string, after: number): Promise<string> {
    const url = await mailedLink(inbox, to, '/accept-invitation', after);
    expect(`${url.origin}${url.pathname}`).toBe('http://public.example/accept-invitation');
    const token = url.searchParams.get('token') ?? '';
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    mailedTokens.push(token);
    return token;
  }
  /** Invites `email` as `caller` and returns the created invitation and its mailed token. */
  async function invited(caller: Caller, body: { email: string } & Record<string, unknown>): Promise<{ id: string; token: string; body: Record<string, unknown> }> {
    const before = inbox.mails.length;
    const res = await invite(caller, body).expect(201);
    return { id: res.body.id, token: await mailedToken(body.email.toLowerCase(), before), body: res.body };
  }

  const addUser = (accountId: string, id: string, email: string, roleId = 2) => addVerifiedUser(core, accountId, { id, email, password: PASSWORD, roleId });
  async function signIn(caller: Caller, account: string, email: string) {
    tokens[caller] = await signInAs(app, account, email, PASSWORD);
  }

  beforeAll(async () => {
    server = await startTestServer(dialect, { smtp: true });
    ({ core, app, inbox } = server);
    await createSuperadmin(systemContext('test'), core, { email: 'root@example.com', password: PASSWORD });
    await insertTwoAccounts(core, { A, B });
    await addUser(A.id, ids.userA, 'ann@acme.test');
    await addUser(A.id, ids.adminA, 'adm@acme.test', 1);
    await addUser(B.id, ids.userB, 'bob@bolt.test');
    const ctxA = ctxOf(ids.adminA, A.id, 'adm@acme.test');
    groups.a1 = (await core.groups.create(ctxA, { name: 'editors' })).id;
    groups.a2 = (await core.groups.create(ctxA, { name: 'writers' })).id;
    groups.b = (await core.groups.create(ctxOf(ids.userB, B.id, 'bob@bolt.test'), { name: 'bolt-team' })).id;
    await signIn('userA', 'acme', 'ann@acme.test');
    await signIn('adminA', 'acme', 'adm@acme.test');
    await signIn('userB', 'bolt', 'bob@bolt.test');
    await signIn('superadmin', 'system', 'root@example.com');
  });
  afterAll(() => server?.close());

  it('mails a link built from the public URL; the link shows the invitation, creates the user with role and groups, and signs them in once', async () => {
    const inv = await invited('adminA', { email: 'New.Editor@Acme.test', role_id: 1, group_ids: [groups.a1, groups.a2] });
    expect(inv.body).toMatchObject({ email: 'new.editor@acme.test', account_id: A.id, account_code: A.code, role_id: 1, invited_by: ids.adminA, status: 'pending', email_sent: true, accepted_at: null });
    expect([...(inv.body['group_ids'] as string[])].sort()).toEqual([groups.a1, groups.a2].sort());
    expect(inv.body).not.toHaveProperty('token');
    expect(inv.body).not.toHaveProperty('token_hash');

    const shown = await lookup(inv.token).expect(200);
    expect(shown.body).toEqual({ email: 'new.editor@acme.test', account_name: 'Acme', invited_by_name: 'adm@acme.test', expires_at: expect.any(String), is_valid: true });
    expect(Date.parse(shown.body.expires_at) - Date.now()).toBeGreaterThan(47 * 3600_000);

    const weak = await accept(inv.token, { password: 'weak' }).expect(400);
    expect(weak.body.details.map((d: { code: string }) => d.code)).toContain('password_too_short');
    await accept(inv.token, {}).expect(422);

    const signedIn = await accept(inv.token).expect(200);
    expect(signedIn.body).toMatchObject({ token: expect.any(String), refresh_token: expect.any(String), account: { id: A.id, slug: 'acme' }, user: { email: 'new.editor@acme.test', role: 'admin', is_active: true } });
    await request(app).get('/api/v1/auth/me').set('Authorization', `Bearer ${signedIn.body.token}`).expect(200);
    expect((await login('acme', 'new.editor@acme.test').expect(200)).body.user.role).toBe('admin');
    const memberships = await core.db.kysely.selectFrom('users_groups').select('group_id').where('user_id', '=', signedIn.body.user.id).execute();
    expect(memberships.map((m) => m.group_id).sort()).toEqual([groups.a1, groups.a2].sort());

    // Single use: every later use is the one 404.
    for (const res of [await lookup(inv.token), await accept(inv.token)]) expect(res.status).toBe(404);
    expect((await accept(inv.token)).body).toMatchObject({ code: 'not_found', message: 'Invalid invitation token' });
    const listed = await as('adminA', 'get', '/api/v1/invitations?status_filter=accepted').expect(200);
    expect(listed.body.invitations.map((i: { id: string }) => i.id)).toContain(inv.id);
  });

  it('ignores protected keys in the accept body and gives the default role', async () => {
    const inv = await invited('userA', { email: 'plain@acme.test' });
    expect(inv.body).toMatchObject({ role_id: null, group_ids: [] });
    const res = await accept(inv.token, { password: PASSWORD, account_id: B.id, email_verified: false, is_active: false, role: 'admin', role_id: 1, email: 'other@x.test' }).expect(200);
    expect(res.body).toMatchObject({ account: { id: A.id }, user: { email: 'plain@acme.test', role: 'user', is_active: true } });
    const user = await tenantTable(core.db.kysely, accountScope(A.id), 'users').select().selectAll().where('email', '=', 'plain@acme.test').executeTakeFirstOrThrow();
    expect({ role_id: user.role_id, verified: Boolean(user.email_verified), active: Boolean(user.is_active) }).toEqual({ role_id: 2, verified: true, active: true });
    expect(await tenantTable(core.db.kysely, allAccounts('test'), 'users').select().select('id').where('email', '=', 'other@x.test').execute()).toEqual([]);
  });

  it('lets exactly one of two concurrent accepts through', async () => {
    const inv = await invited('adminA', { email: 'race@acme.test' });
    const results = await Promise.all([accept(inv.token), accept(inv.token)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 404]);
    expect(await tenantTable(core.db.kysely, accountScope(A.id), 'users').select().select('id').where('email', '=', 'race@acme.test').execute()).toHaveLength(1);
  });

  it('treats expired and cancelled invitations as unknown; resend replaces the token', async () => {
    const exp = await invited('adminA', { email: 'late@acme.test' });
    await tenantTable(core.db.kysely, accountScope(A.id), 'invitations').update({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', exp.id).execute();
    await lookup(exp.token).expect(404);
    await accept(exp.token).expect(404);
    const expired = await as('adminA', 'get', '/api/v1/invitations?status_filter=expired').expect(200);
    expect(expired.body.invitations.map((i: { id: string; status: string }) => [i.id, i.status])).toEqual([[exp.id, 'expired']]);

    const before = inbox.mails.length;
    expect((await as('adminA', 'post', `/api/v1/invitations/${exp.id}/resend`).expect(200)).body).toEqual({ message: 'Invitation email resent successfully' });
    const fresh = await mailedToken('late@acme.test', before);
    expect(fresh).not.toBe(exp.token);
    await lookup(exp.token).expect(404);
    await lookup(fresh).expect(200);
    // Resending a pending invitation kills the token it had until then.
    const later = inbox.mails.length;
    await as('adminA', 'post', `/api/v1/invitations/${exp.id}/resend`).expect(200);
    const third = await mailedToken('late@acme.test', later);
    await accept(fresh).expect(404);
    await lookup(third).expect(200);

    const gone = await invited('adminA', { email: 'gone@acme.test' });
    await as('adminA', 'delete', `/api/v1/invitations/${gone.id}`).expect(204);
    await lookup(gone.token).expect(404);
    await accept(gone.token).expect(404);
    await as('adminA', 'delete', `/api/v1/invitations/${gone.id}`).expect(204);
    const resend = await as('adminA', 'post', `/api/v1/invitations/${gone.id}/resend`).expect(400);
    expect(resend.body.message).toBe('Cannot resend invitation with status: cancelled');
    const cancelled = await as('adminA', 'get', '/api/v1/invitations?status_filter=cancelled').expect(200);
    expect(cancelled.body).toMatchObject({ total: 1, invitations: [{ id: gone.id, status: 'cancelled' }] });
    // A cancelled invitation does not block a new one.
    await invited('adminA', { email: 'gone@acme.test' });
  });

  it('refuses existing users, pending duplicates, unknown roles and groups of another account, writing nothing', async () => {
    await invited('adminA', { email: 'dup@acme.test' });
    expect((await invite('adminA', { email: 'dup@acme.test' }).expect(409)).body.message).toBe('A pending invitation already exists for this email');
    expect((await invite('adminA', { email: 'ANN@acme.test' }).expect(409)).body.message).toBe('User with this email already exists in this account');
    await invite('adminA', { email: 'role@acme.test', role_id: 999 }).expect(404);
    const foreign = await invite('adminA', { email: 'grp@acme.test', group_ids: [groups.a1, groups.b] }).expect(400);
    expect(foreign.body.details).toEqual([{ field: 'group_ids', message: 'Group not found in this account', code: 'invalid_reference' }]);
    await invite('adminA', { email: 'grp@acme.test', groups: [groups.b] }).expect(400);
    expect(await countInvitations('role@acme.test')).toBe(0);
    expect(await countInvitations('grp@acme.test')).toBe(0);
    await invite('adminA', { email: 'not-an-email' }).expect(422);
    // A plain member may invite, but cannot hand out a role: role_id is ignored, never applied.
    expect((await invite('userA', { email: 'member-pick@acme.test', role_id: 1 }).expect(201)).body.role_id).toBeNull();
  });

  describe('tenancy', () => {
    it('answers 401 to anonymous callers on every management route, before looking at the body', async () => {
      const id = (await invited('adminA', { email: 'anon-target@acme.test' })).id;
      await invite('anonymous', { email: 'x@acme.test' }).expect(401);
      await invite('anonymous', { nonsense: true }).expect(401);
      await as('anonymous', 'get', '/api/v1/invitations').expect(401);
      await as('anonymous', 'post', `/api/v1/invitations/${id}/resend`).expect(401);
      await as('anonymous', 'delete', `/api/v1/invitations/${id}`).expect(401);
      await request(app).get('/api/v1/invitations').set('Authorization', 'Bearer not-a-token').expect(401);
      expect(await invitationRow(id)).toMatchObject({ cancelled_at: null });
    });

    it('keeps user B out of account A: no listing, no resend, no cancel, no inviting into A', async () => {
      const target = await invited('adminA', { email: 'target@acme.test' });
      const before = await invitationRow(target.id);
      for (const url of ['/api/v1/invitations', `/api/v1/invitations?account_id=${A.id}`]) {
        const list = await as('userB', 'get', url).expect(200);
        expect(list.body.invitations.every((i: { account_id: string }) => i.account_id === B.id)).toBe(true);
      }
      expect((await as('userB', 'post', `/api/v1/invitations/${target.id}/resend`).expect(404)).body.message).toBe('Invitation not found');
      expect((await as('userB', 'delete', `/api/v1/invitations/${target.id}`).expect(404)).body.message).toBe('Invitation not found');
      await as('userB', 'post', `/api/v1/invitations/${randomUUID()}/resend`).expect(404);
      expect(await invitationRow(target.id)).toEqual(before);
      await lookup(target.token).expect(200);

      const intoA = await invite('userB', { email: 'sneak@bolt.test', account_id: A.id }).expect(201);
      expect(intoA.body).toMatchObject({ account_id: B.id, account_code: B.code });
      expect((await as('adminA', 'get', '/api/v1/invitations').expect(200)).body.invitations.map((i: { email: string }) => i.email)).not.toContain('sneak@bolt.test');
      await invite('userB', { email: 'grp@bolt.test', group_ids: [groups.a1] }).expect(400);
    });

    it('lets a superadmin invite into, list and manage any account', async () => {
      const inv = await invited('superadmin', { email: 'sa-made@acme.test', account_id: A.id, group_ids: [groups.a1] });
      expect(inv.body).toMatchObject({ account_id: A.id });
      const listA = await as('superadmin', 'get', `/api/v1/invitations?account_id=${A.id}&page=1&page_size=2`).expect(200);
      expect(listA.body.invitations).toHaveLength(2);
      expect(listA.body.total).toBeGreaterThan(2);
      expect(listA.body.invitations.every((i: { account_id: string }) => i.account_id === A.id)).toBe(true);
      const all = await as('superadmin', 'get', '/api/v1/invitations?page_size=1000').expect(200);
      expect(new Set(all.body.invitations.map((i: { account_id: string }) => i.account_id))).toEqual(new Set([A.id, B.id]));
      expect((await lookup(inv.token).expect(200)).body.invited_by_name).toBe('root@example.com');
      await as('superadmin', 'delete', `/api/v1/invitations/${inv.id}`).expect(204);
      await invite('superadmin', { email: 'nowhere@x.test', account_id: randomUUID() }).expect(404);
    });
  });

  it('stores no raw token: not in the database, not in the mail log', async () => {
    const everyToken = inbox.mails.flatMap((m) => [...(m.text ?? '').matchAll(/accept-invitation\?token=([A-Za-z0-9_-]+)/g)].map((x) => x[1] ?? ''));
    expect(new Set(everyToken)).toEqual(new Set([...mailedTokens, ...everyToken]));
    expect(everyToken.length).toBeGreaterThan(mailedTokens.length);
    const dump = JSON.stringify([
      await tenantTable(core.db.kysely, allAccounts('test dump'), 'invitations').select().selectAll().execute(),
      await core.db.kysely.selectFrom('email_logs').selectAll().execute(),
    ]);
    for (const token of everyToken) {
      expect(dump).not.toContain(token);
      expect(dump).not.toContain(encodeURIComponent(token));
    }
    const logs = await core.db.kysely.selectFrom('email_logs').select(['template_type', 'status']).where('template_type', '=', 'invitation').execute();
    expect(logs.length).toBe(everyToken.length);
    expect(logs.every((l) => l.status === 'sent')).toBe(true);
  });
});
