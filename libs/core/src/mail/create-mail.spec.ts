import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { createDatabase, fromDbJson, migrateToLatest, type SnackDatabase } from '@snackbase/db';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '@snackbase/testing';
import { allocateAccountCode } from '@snackbase/tenancy';
import { SYSTEM_ACCOUNT_ID } from '../accounts';
import { loadConfig } from '../config';
import { createLogger } from '../logging';
import { createMail } from './create-mail';
import { seedEmailTemplates } from './seed-email-templates';
import { seedSystemSettings } from './system-settings';

const SMTP_USER = 'mailer';
const SMTP_PASSWORD = 'smtp-pass-Secr3t';
const received: ParsedMail[] = [];
let smtp: SMTPServer;
let smtpPort: number;

beforeAll(async () => {
  smtp = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) callback(null, { user: SMTP_USER });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push(mail);
          callback();
        },
        (e: Error) => callback(e),
      );
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => smtp.close(resolve)));

function config(env: Record<string, string> = {}) {
  return loadConfig({
    envFile: null,
    env: {
      SNACKBASE_EXTERNAL_URL: 'http://external.test',
      SNACKBASE_MAIL_PROVIDER: 'smtp',
      SNACKBASE_MAIL_FROM: 'SnackBase <noreply@snackbase.test>',
      SNACKBASE_SMTP_HOST: '127.0.0.1',
      SNACKBASE_SMTP_PORT: String(smtpPort),
      SNACKBASE_SMTP_USER: SMTP_USER,
      SNACKBASE_SMTP_PASSWORD: SMTP_PASSWORD,
      SNACKBASE_SMTP_SECURE: 'none',
      ...env,
    },
  });
}

function captureLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', format: 'json', stream }), lines };
}

describe.each(TEST_DIALECTS)('createMail on %s', (dialect) => {
  let t: TestDatabase;
  let db: SnackDatabase;

  const setSystemSettings = (values: Record<string, string>) =>
    db.kysely.updateTable('configurations').set({ config: JSON.stringify(values) }).where('category', '=', 'system_settings').where('account_id', '=', SYSTEM_ACCOUNT_ID).execute();
  const logRow = (id: string) => db.kysely.selectFrom('email_logs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    await t.db.destroy();
    db = createDatabase({ url: t.url });
    await migrateToLatest(db);
    await seedEmailTemplates(db);
  });
  afterAll(async () => {
    await db.close();
    await t.destroy();
  });

  it('seeds system_settings once, with app_url from SNACKBASE_EXTERNAL_URL, and keeps an edited row', async () => {
    expect(await seedSystemSettings(db, config())).toBe(true);
    const mail = createMail({ db, config: config(), logger: captureLogger().logger });
    expect(await mail.appUrl()).toBe('http://external.test');
    expect(await mail.systemSettings()).toEqual({ app_name: 'SnackBase', app_url: 'http://external.test', support_email: '' });
    await setSystemSettings({ app_name: 'SnackBase', app_url: 'https://links.example.com/app/', support_email: 'help@example.com' });
    expect(await seedSystemSettings(db, config({ SNACKBASE_EXTERNAL_URL: 'http://other.test' }))).toBe(false);
    expect(await mail.appUrl()).toBe('https://links.example.com/app');
  });

  it('sends a verification mail over SMTP with an absolute link built from app_url', async () => {
    const mail = createMail({ db, config: config(), logger: captureLogger().logger });
    const result = await mail.send({
      to: 'jane@example.com',
      template: 'email_verification',
      variables: { email: 'jane@example.com', expires_in: '1 hour', token: 'abc123secret' },
      links: { verification_url: { path: '/verify-email', params: { token: 'abc123secret' } } },
    });
    expect(result).toMatchObject({ status: 'sent', provider: 'smtp' });
    const got = received.at(-1) as ParsedMail;
    expect(got.subject).toBe('Verify your email address for SnackBase');
    expect(got.to).toMatchObject({ value: [{ address: 'jane@example.com' }] });
    expect(got.from).toMatchObject({ value: [{ address: 'noreply@snackbase.test', name: 'SnackBase' }] });
    const expected = 'https://links.example.com/app/verify-email?token=abc123secret';
    expect(got.html).toContain(`href="${expected}"`);
    expect(got.text).toContain(expected);
    expect(got.text).toContain('Please confirm that jane@example.com is your email address for SnackBase');
    const link = /https?:\/\/\S+/.exec(got.text ?? '')?.[0] as string;
    expect(new URL(link).origin).toBe('https://links.example.com');
    expect(`${got.html}${got.text}`).not.toContain('external.test');
  });

  it('writes one email_logs row without the raw token', async () => {
    const mail = createMail({ db, config: config(), logger: captureLogger().logger });
    const result = await mail.send({
      to: 'joe@example.com',
      template: 'email_verification',
      accountId: SYSTEM_ACCOUNT_ID,
      variables: { email: 'joe@example.com', token: 'abc123secret', verification_url: 'https://links.example.com/app/verify-email?token=abc123secret' },
    });
    const row = await logRow(result.logId);
    expect(JSON.stringify(row)).not.toContain('abc123secret');
    expect(row).toMatchObject({ status: 'sent', provider: 'smtp', template_type: 'email_verification', recipient_email: 'joe@example.com', account_id: SYSTEM_ACCOUNT_ID, error_message: null });
    expect(fromDbJson(row.variables, {})).toMatchObject({ email: 'joe@example.com', token: '[redacted]', verification_url: '[redacted]', app_name: 'SnackBase' });
    expect(received.at(-1)?.text).toContain('verify-email?token=abc123secret');
  });

  it('a refused SMTP login rejects with MailSendError, logs failed, and leaks no password', async () => {
    const { logger, lines } = captureLogger();
    const wrong = 'wrong-Pa55word-xyz';
    const mail = createMail({ db, config: config({ SNACKBASE_SMTP_PASSWORD: wrong }), logger });
    const error = await mail.send({ to: 'jane@example.com', template: 'password_reset', links: { reset_url: { path: '/reset-password', params: { token: 't0k' } } } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'MailSendError', provider: 'smtp', status: 535 });
    const { message, logId } = error as { message: string; logId: string };
    expect(message).toMatch(/SMTP delivery failed: .*Invalid username or password/);
    const row = await logRow(logId);
    expect(row).toMatchObject({ status: 'failed', provider: 'smtp', template_type: 'password_reset' });
    expect(row.error_message).toBe(message);
    for (const text of [message, JSON.stringify(row), lines.join('')]) {
      expect(text).not.toContain(wrong);
      expect(text).not.toContain(Buffer.from(`\u0000${SMTP_USER}\u0000${wrong}`).toString('base64'));
      expect(text).not.toContain('t0k');
    }
  });

  it('with provider none, sends nothing, records skipped and warns', async () => {
    const { logger, lines } = captureLogger();
    const mail = createMail({ db, config: config({ SNACKBASE_MAIL_PROVIDER: 'none' }), logger });
    const before = received.length;
    const result = await mail.send({ to: 'jane@example.com', template: 'invitation', variables: { account_name: 'Acme', invited_by: 'boss@example.com' } });
    expect(result).toMatchObject({ status: 'skipped', provider: 'none' });
    expect(received.length).toBe(before);
    expect(await logRow(result.logId)).toMatchObject({ status: 'skipped', provider: 'none', template_type: 'invitation' });
    expect(lines.join('')).toContain('mail skipped: no mail provider configured');
  });

  it('sendTest sends a fixed mail, or a stored template with sample values', async () => {
    const mail = createMail({ db, config: config(), logger: captureLogger().logger });
    expect(await mail.sendTest('admin@example.com')).toMatchObject({ status: 'sent' });
    expect(received.at(-1)).toMatchObject({ subject: 'SnackBase test email' });
    const [reset] = await mail.listTemplates({ templateType: 'password_reset' });
    const result = await mail.sendTest('admin@example.com', { templateId: reset.id, variables: { user_name: 'Ada' } });
    const got = received.at(-1) as ParsedMail;
    expect(got.subject).toBe('Reset your SnackBase password');
    expect(got.text).toContain('Hello Ada,');
    expect(got.text).toContain('https://links.example.com/app/reset-password?token=sample-token');
    expect(await logRow(result.logId)).toMatchObject({ template_type: 'password_reset', status: 'sent' });
  });

  it('prefers the account’s app_url, and never builds links from a non-http app_url', async () => {
    const accountId = '11111111-1111-4111-8111-111111111111';
    await db.transaction(async (trx) => {
      const code = await allocateAccountCode(trx, db.dialect);
      await trx.insertInto('accounts').values({ id: accountId, account_code: code, slug: 'tenant-links', name: 'Tenant' }).execute();
      await trx
        .insertInto('configurations')
        .values({ id: '22222222-2222-4222-8222-222222222222', account_id: accountId, category: 'system_settings', provider_name: 'system', display_name: 'System Settings', config: JSON.stringify({ app_url: 'https://tenant.example.com' }) })
        .execute();
    });
    const mail = createMail({ db, config: config(), logger: captureLogger().logger });
    expect(await mail.buildLink('/accept-invitation', { token: 'a/b c' }, accountId)).toBe('https://tenant.example.com/accept-invitation?token=a%2Fb%20c');
    expect((await mail.systemSettings(accountId)).app_name).toBe('SnackBase');
    await setSystemSettings({ app_url: 'javascript:alert(1)' });
    expect(await mail.buildLink('/verify-email', { token: 'x' })).toBe('http://external.test/verify-email?token=x');
    await setSystemSettings({ app_name: 'SnackBase', app_url: 'https://links.example.com/app', support_email: '' });
  });

  it('refuses a bad recipient or a link name the log would not redact, before logging anything', async () => {
    const mail = createMail({ db, config: config(), logger: captureLogger().logger });
    const count = async () => Number((await db.kysely.selectFrom('email_logs').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    await expect(mail.send({ to: 'a@b.test\r\nBcc: x@y.test', template: 'email_verification' })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(mail.send({ to: 'a@b.test', template: 'email_verification', links: { link: { path: '/x' } } })).rejects.toMatchObject({ message: expect.stringContaining('must end in _url') });
    expect(await count()).toBe(before);
  });
});
