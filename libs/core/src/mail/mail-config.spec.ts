import { loadConfig } from '../config';
import { createMailTransport } from './create-transport';

const load = (env: Record<string, string>) => loadConfig({ env, envFile: null });

describe('mail settings', () => {
  it('default to no provider, so nothing is sent', () => {
    const { mail } = load({});
    expect(mail).toEqual({
      provider: 'none',
      from: 'SnackBase <noreply@snackbase.io>',
      smtp: { host: undefined, port: 587, user: undefined, password: undefined, secure: 'starttls' },
      ses: { region: 'us-east-1', accessKeyId: undefined, secretAccessKey: undefined, endpoint: undefined },
      resend: { apiKey: undefined, endpoint: 'https://api.resend.com' },
    });
    expect(createMailTransport(mail)).toBeNull();
  });

  it.each([
    [{ SNACKBASE_MAIL_PROVIDER: 'smtp' }, 'SNACKBASE_SMTP_HOST must be set when SNACKBASE_MAIL_PROVIDER=smtp'],
    [{ SNACKBASE_MAIL_PROVIDER: 'ses', SNACKBASE_SES_ACCESS_KEY_ID: 'AKID' }, 'SNACKBASE_SES_SECRET_ACCESS_KEY must be set when SNACKBASE_MAIL_PROVIDER=ses'],
    [{ SNACKBASE_MAIL_PROVIDER: 'resend' }, 'SNACKBASE_RESEND_API_KEY must be set when SNACKBASE_MAIL_PROVIDER=resend'],
    [{ SNACKBASE_MAIL_PROVIDER: 'sendgrid' }, 'Invalid SNACKBASE_MAIL_PROVIDER: expected one of smtp, ses, resend, none'],
    [{ SNACKBASE_SMTP_SECURE: 'yes' }, 'Invalid SNACKBASE_SMTP_SECURE: expected one of tls, starttls, none'],
    [{ SNACKBASE_SES_REGION: 'Europe' }, 'Invalid SNACKBASE_SES_REGION'],
    [{ SNACKBASE_MAIL_FROM: 'nobody' }, 'Invalid SNACKBASE_MAIL_FROM'],
    [{ SNACKBASE_RESEND_ENDPOINT: 'ftp://x' }, 'Invalid SNACKBASE_RESEND_ENDPOINT: expected an http(s) URL'],
  ])('%j is refused at start', (env, message) => {
    expect(() => load(env)).toThrow(message);
  });

  it.each([
    [{ SNACKBASE_MAIL_PROVIDER: 'smtp', SNACKBASE_SMTP_HOST: 'smtp.example.com' }, 'smtp'],
    [{ SNACKBASE_MAIL_PROVIDER: 'ses', SNACKBASE_SES_ACCESS_KEY_ID: 'AKID', SNACKBASE_SES_SECRET_ACCESS_KEY: 's' }, 'awsses'],
    [{ SNACKBASE_MAIL_PROVIDER: 'resend', SNACKBASE_RESEND_API_KEY: 're_x' }, 'resend'],
  ])('%j builds the %s transport', (env, name) => {
    expect(createMailTransport(load(env).mail)?.name).toBe(name);
  });
});
