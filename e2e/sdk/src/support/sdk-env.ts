import type { ParsedMail } from 'mailparser';
import { SnackBaseClient, type SnackBaseConfig } from '@snackbase/sdk';
import { startSmtpInbox, type SmtpInbox, type TestDialect } from '@snackbase/testing';
import { startServer, type EnvOverrides, type StartedServer } from '@snackbase/testing';

/** The system account's id, hard-coded in the SDK (`client.isSuperadmin`). */
export const SYSTEM_ACCOUNT_ID = '00000000-0000-0000-0000-000000000000';
export const ADMIN_EMAIL = 'admin@sdk.test';
export const ADMIN_PASSWORD = 'Sdk-Admin-Pass-1!';
/** Every link in a mail starts with this (`SNACKBASE_EXTERNAL_URL`, seeded into `app_url`). */
export const PUBLIC_URL = 'http://public.sdk.test';

/** A built server with a real SMTP inbox behind it, and a way to make SDK clients for it. */
export interface SdkEnv {
  readonly dialect: TestDialect;
  readonly server: StartedServer;
  readonly inbox: SmtpInbox;
  readonly baseUrl: string;
  /** A new SDK client as an application makes it (no retries, so errors surface at once). */
  client(config?: Partial<SnackBaseConfig>): SnackBaseClient;
  /** A new client signed in as the superadmin (`account: 'system'`), with `getCurrentUser()` done. */
  superadmin(): Promise<SnackBaseClient>;
  stop(): Promise<void>;
}

/** Starts an SMTP inbox and the built server (`node dist/apps/api/main.js serve`) mailing into it. */
export async function startSdkEnv(dialect: TestDialect, env: EnvOverrides = {}): Promise<SdkEnv> {
  const inbox = await startSmtpInbox();
  let server: StartedServer;
  try {
    server = await startServer({
      dialect,
      env: {
        SNACKBASE_MAIL_PROVIDER: 'smtp',
        SNACKBASE_SMTP_HOST: '127.0.0.1',
        SNACKBASE_SMTP_PORT: String(inbox.port),
        SNACKBASE_SMTP_SECURE: 'none',
        SNACKBASE_MAIL_FROM: 'SnackBase <noreply@sdk.test>',
        SNACKBASE_EXTERNAL_URL: PUBLIC_URL,
        SNACKBASE_SUPERADMIN_EMAIL: ADMIN_EMAIL,
        SNACKBASE_SUPERADMIN_PASSWORD: ADMIN_PASSWORD,
        SNACKBASE_AUTH_RATE_LIMIT_PER_IP: '0',
        ...env,
      },
    });
  } catch (e) {
    await inbox.close();
    throw e;
  }
  const baseUrl = server.url;
  const client = (config: Partial<SnackBaseConfig> = {}) => new SnackBaseClient({ baseUrl, maxRetries: 0, ...config });
  return {
    dialect,
    server,
    inbox,
    baseUrl,
    client,
    async superadmin() {
      const c = client();
      await c.auth.login({ account: 'system', email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
      await c.auth.getCurrentUser();
      return c;
    },
    async stop() {
      await server.stop();
      await inbox.close();
    },
  };
}

/** The rejection of `promise` (fails when it resolves). */
export async function caught(promise: Promise<unknown>): Promise<Error & { status?: number; code?: string; details?: unknown }> {
  try {
    const value = await promise;
    throw new ResolvedError(`expected a rejection, got ${JSON.stringify(value)}`);
  } catch (e) {
    if (e instanceof ResolvedError) throw e;
    return e as Error & { status?: number; code?: string; details?: unknown };
  }
}

class ResolvedError extends Error {}

/** Recipient addresses of a mail, lower-cased. */
export function recipients(mail: ParsedMail): string[] {
  const to = mail.to === undefined ? [] : Array.isArray(mail.to) ? mail.to : [mail.to];
  return to.flatMap((a) => a.value.map((v) => (v.address ?? '').toLowerCase()));
}

/** Text and HTML of a mail. */
export function mailBody(mail: ParsedMail): string {
  return `${mail.text ?? ''}\n${typeof mail.html === 'string' ? mail.html : ''}`;
}

/** The absolute links (`http://public.sdk.test/<path>?token=…`) in a mail whose path is `path`. */
export function linksTo(mail: ParsedMail, path: string): string[] {
  const re = new RegExp(`${PUBLIC_URL.replace(/[.]/g, '\\.')}${path}\\?token=[^\\s"'<>)&]+`, 'g');
  return [...new Set(mailBody(mail).match(re) ?? [])];
}

/** The token of the first link to `path` in a mail (decoded). */
export function tokenOfLink(mail: ParsedMail, path: string): string {
  const [link] = linksTo(mail, path);
  if (!link) throw new Error(`no ${PUBLIC_URL}${path}?token= link in the mail "${mail.subject}":\n${mailBody(mail).slice(0, 2000)}`);
  return decodeURIComponent(new URL(link).searchParams.get('token') ?? '');
}

/** Waits for the n-th mail (1-based) to `email` that holds a link to `path`. */
export async function mailWithLink(inbox: SmtpInbox, email: string, path: string, nth = 1, timeoutMs = 10_000): Promise<ParsedMail> {
  const matching = (m: ParsedMail) => recipients(m).includes(email.toLowerCase()) && linksTo(m, path).length > 0;
  await inbox.waitFor(() => inbox.mails.filter(matching).length >= nth, timeoutMs).catch((e: Error) => {
    const seen = inbox.mails.map((m) => `${recipients(m).join(',')}: ${m.subject}`).join('\n');
    throw new Error(`${e.message}: wanted mail #${nth} to ${email} with a link to ${path}; inbox:\n${seen}`);
  });
  return inbox.mails.filter(matching)[nth - 1] as ParsedMail;
}

/** One successful answer the SDK received (recorded by a response interceptor). */
export interface Answer {
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

/**
 * Records the method, path and status of every successful answer of `client` (the SDK throws on
 * errors before later interceptors run, so only 2xx/3xx appear). Lets a test see a 201 or a 200
 * the SDK itself does not surface.
 */
export function recordAnswers(client: SnackBaseClient): Answer[] {
  const answers: Answer[] = [];
  client.httpClient.addResponseInterceptor((response) => {
    answers.push({ method: response.request.method, path: response.request.url, status: response.status });
    return response;
  });
  return answers;
}

/** A registered, verified tenant admin (registration → mailed link → `auth.verifyEmail` → login). */
export interface Tenant {
  readonly client: SnackBaseClient;
  readonly email: string;
  readonly password: string;
  readonly slug: string;
  readonly accountName: string;
  readonly accountId: string;
  readonly userId: string;
}

let counter = 0;
/** A short unique suffix for emails, slugs and names. */
export function unique(label: string): string {
  counter += 1;
  return `${label}${counter}${Date.now().toString(36).slice(-4)}`;
}

/** Registers a new account through the SDK and verifies it through the mailed link. */
export async function registerTenant(env: SdkEnv, label: string): Promise<Tenant> {
  const id = unique(label);
  const email = `${id}@tenant.sdk.test`;
  const password = `Tenant-Pass-${id}-1!`;
  const slug = id.toLowerCase();
  const accountName = `Tenant ${id}`;
  const client = env.client();
  const registered = (await client.auth.register({ email, password, account_name: accountName, account_slug: slug })) as {
    account: { id: string };
    user: { id: string };
  };
  const mail = await mailWithLink(env.inbox, email, '/verify-email');
  await client.auth.verifyEmail(tokenOfLink(mail, '/verify-email'));
  await client.auth.login({ account: slug, email, password });
  return { client, email, password, slug, accountName, accountId: registered.account.id, userId: registered.user.id };
}
