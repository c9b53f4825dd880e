import type { Express } from 'express';
import request from 'supertest';
import { type Core } from '@snackbase/core';
import { TEST_DIALECTS, type SmtpInbox } from '@snackbase/testing';
import { mailedLink, startTestServer, type SmtpTestServer } from '../test-support/test-server';

const PASSWORD = 'Correct-Horse-9!';

/** The token of the link in a mail to `to` whose link path is `path`. */
async function linkToken(inbox: SmtpInbox, to: string, path: string, after = 0): Promise<string> {
  const url = await mailedLink(inbox, to, path, after);
  expect(`${url.origin}${url.pathname}`).toBe(`http://public.example${path}`);
  return url.searchParams.get('token') ?? '';
}

describe.each(TEST_DIALECTS)('registration, verification and password reset on %s', (dialect) => {
  let server: SmtpTestServer;
  let core: Core;
  let app: Express;
  let inbox: SmtpInbox;

  beforeAll(async () => {
    server = await startTestServer(dialect, { smtp: true });
    ({ core, app, inbox } = server);
  });
  afterAll(() => server?.close());

  const register = (body: object) => request(app).post('/api/v1/auth/register').set('Host', 'evil.example').send(body);
  const login = (account: string, email: string, password = PASSWORD) => request(app).post('/api/v1/auth/login').send({ account, email, password });

  it('registers an account, mails a verification link built from the public URL, and signs in after verifying', async () => {
    const res = await register({ email: 'Owner@Acme.test', password: PASSWORD, account_name: 'Acme Inc', passwordConfirm: PASSWORD }).expect(201);
    expect(res.body).toMatchObject({
      message: 'Registration successful. Please check your email to verify your account.',
      account: { slug: 'acme-inc', name: 'Acme Inc' },
      user: { email: 'owner@acme.test', role: 'admin', is_active: true },
    });
    expect(res.body.token).toBeUndefined();
    await login('acme-inc', 'owner@acme.test').expect(401);
    const token = await linkToken(inbox, 'owner@acme.test', '/verify-email');
    const verified = await request(app).post('/api/v1/auth/verify-email').send({ token }).expect(200);
    expect(verified.body).toEqual({ message: 'Email verified successfully', user: { id: res.body.user.id, email: 'owner@acme.test', email_verified: true } });
    await request(app).post('/api/v1/auth/verify-email').send({ token }).expect(400);
    const session = await login('acme-inc', 'owner@acme.test').expect(200);
    expect(session.body.user.role).toBe('admin');
    // The first user is in the account's pii_access group.
    const groups = await request(app).get('/api/v1/groups').set('Authorization', `Bearer ${session.body.token}`).expect(200);
    expect(groups.body).toEqual([expect.objectContaining({ name: 'pii_access', member_count: 1 })]);
  });

  it('refuses weak passwords, bad or taken slugs, and a missing account name, writing nothing', async () => {
    const weak = await register({ email: 'a@b.test', password: 'weak', account_name: 'Weak' }).expect(400);
    expect(weak.body.details.map((d: { code: string }) => d.code)).toEqual(expect.arrayContaining(['password_too_short', 'password_no_digit']));
    expect((await register({ email: 'a@b.test', password: PASSWORD }).expect(400)).body.details).toEqual([{ field: 'account_name', message: 'Account name is required', code: 'required' }]);
    expect((await register({ email: 'a@b.test', password: PASSWORD, account_name: 'X', account_slug: '1abc' }).expect(400)).body.details[0]).toMatchObject({ field: 'account_slug', code: 'slug_invalid_start' });
    const taken = await register({ email: 'a@b.test', password: PASSWORD, account_name: 'Other', account_slug: 'acme-inc' }).expect(409);
    expect(taken.body).toMatchObject({ code: 'conflict', message: 'An account with this slug already exists', field: 'account_slug' });
    await register({ email: 'not-an-email', password: PASSWORD, account_name: 'X' }).expect(422);
    const accounts = await core.db.kysely.selectFrom('accounts').select('slug').execute();
    expect(accounts.map((a) => a.slug).sort()).toEqual(['acme-inc', 'system']);
  });

  it('resets a password through the mailed link and ends every session', async () => {
    const before = (await login('acme-inc', 'owner@acme.test').expect(200)).body.token;
    const mailsBefore = inbox.mails.length;
    const answer = await request(app).post('/api/v1/auth/forgot-password').send({ account: 'acme-inc', email: 'owner@acme.test' }).expect(200);
    expect(answer.body.message).toBe('If an account with that email exists, a password reset link has been sent.');
    for (const body of [{ account: 'acme-inc', email: 'nobody@acme.test' }, { account: 'nowhere', email: 'owner@acme.test' }]) {
      expect((await request(app).post('/api/v1/auth/forgot-password').send(body).expect(200)).body).toEqual(answer.body);
    }
    await request(app).post('/api/v1/auth/forgot-password').send({ email: 'owner@acme.test' }).expect(400);
    const token = await linkToken(inbox, 'owner@acme.test', '/reset-password', mailsBefore);
    expect(inbox.mails.length).toBe(mailsBefore + 1);
    expect((await request(app).get(`/api/v1/auth/verify-reset-token/${token}`).expect(200)).body).toMatchObject({ valid: true });
    await request(app).post('/api/v1/auth/reset-password').send({ token, new_password: 'weak' }).expect(400);
    await request(app).post('/api/v1/auth/reset-password').send({ token, new_password: 'Brand-New-Pass-4!' }).expect(200);
    await request(app).post('/api/v1/auth/reset-password').send({ token, new_password: 'Brand-New-Pass-5!' }).expect(400);
    expect((await request(app).get(`/api/v1/auth/verify-reset-token/${token}`).expect(200)).body).toEqual({ valid: false, expires_at: null });
    await request(app).get('/api/v1/auth/me').set('Authorization', `Bearer ${before}`).expect(401);
    await login('acme-inc', 'owner@acme.test').expect(401);
    await login('acme-inc', 'owner@acme.test', 'Brand-New-Pass-4!').expect(200);
  });

  it('stores no raw token: not in the database, not in the mail log', async () => {
    const mailsBefore = inbox.mails.length;
    await request(app).post('/api/v1/auth/forgot-password').send({ account: 'acme-inc', email: 'owner@acme.test' }).expect(200);
    const token = await linkToken(inbox, 'owner@acme.test', '/reset-password', mailsBefore);
    const dump = JSON.stringify([
      await core.db.kysely.selectFrom('password_reset_tokens').selectAll().execute(),
      await core.db.kysely.selectFrom('email_verification_tokens').selectAll().execute(),
      await core.db.kysely.selectFrom('email_logs').selectAll().execute(),
    ]);
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(encodeURIComponent(token));
  });

  it('blocks an account+email after repeated wrong passwords, with Retry-After', async () => {
    for (let i = 0; i < 5; i++) await login('acme-inc', 'owner@acme.test', `Wrong-Pass-${i}!x`).expect(401);
    const blocked = await login('acme-inc', 'owner@acme.test', 'Brand-New-Pass-4!').expect(429);
    expect(blocked.body.code).toBe('too_many_requests');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // Another identity from the same client is not blocked.
    await login('system', 'owner@acme.test').expect(401);
  });
});
