import type { Express } from 'express';
import request from 'supertest';
import { createCore, createLogger, loadConfig, type Core } from '@snackbase/core';
import { createDatabase } from '@snackbase/db';
import { createTestDatabase, startSmtpInbox, type SmtpInbox, type TestDatabase, type TestDialect } from '@snackbase/testing';
import { createApp } from '../create-app';

/**
 * Test-only support for the server specs: one SnackBase core and HTTP app on a fresh test
 * database, optionally mailing into a local SMTP inbox, plus the sign-in and mailed-link helpers
 * the route specs share. Nothing here is part of the library's build.
 */

/** Secrets long enough for every check; never use them outside tests. */
export const TEST_SECRETS = { secretKey: 'k'.repeat(64), tokenSecret: 't'.repeat(64), encryptionKey: 'e'.repeat(64) } as const;

/** How {@link startTestServer} sets up the server. */
export interface TestServerOptions {
  /** `SNACKBASE_*` settings on top of (and overriding) the test defaults. */
  readonly env?: Readonly<Record<string, string>>;
  /** Start an SMTP inbox and mail through it (see {@link testSmtpEnv}). */
  readonly smtp?: boolean;
  /** Run `core.start()` (migrations, seeds, hooks); true unless set to false. */
  readonly start?: boolean;
}

/** A running test server; `close()` ends everything it started. */
export interface TestServer {
  readonly t: TestDatabase;
  readonly core: Core;
  readonly app: Express;
  /** The SMTP inbox the server mails into, when started with `smtp: true`. */
  readonly inbox?: SmtpInbox;
  /** Closes the core, drops the test database and stops the inbox. */
  close(): Promise<void>;
}

/** A test server started with `smtp: true`. */
export type SmtpTestServer = TestServer & { readonly inbox: SmtpInbox };

/**
 * The settings that make SnackBase mail through plain SMTP on 127.0.0.1:`port`, with links built
 * from `http://public.example`.
 */
export function testSmtpEnv(port: number): Record<string, string> {
  return {
    SNACKBASE_EXTERNAL_URL: 'http://public.example',
    SNACKBASE_MAIL_PROVIDER: 'smtp',
    SNACKBASE_MAIL_FROM: 'SnackBase <noreply@public.example>',
    SNACKBASE_SMTP_HOST: '127.0.0.1',
    SNACKBASE_SMTP_PORT: String(port),
    SNACKBASE_SMTP_SECURE: 'none',
  };
}

/**
 * Creates a fresh `dialect` test database and builds a core (silent logger, {@link TEST_SECRETS},
 * no admin console) and the real `createApp` on it; with `smtp`, also an SMTP inbox it mails into.
 */
export function startTestServer(dialect: TestDialect, options: TestServerOptions & { readonly smtp: true }): Promise<SmtpTestServer>;
export function startTestServer(dialect: TestDialect, options?: TestServerOptions): Promise<TestServer>;
export async function startTestServer(dialect: TestDialect, options: TestServerOptions = {}): Promise<TestServer> {
  const inbox = options.smtp ? await startSmtpInbox() : undefined;
  const t = await createTestDatabase(dialect);
  // The core opens its own pool on the database.
  await t.db.destroy();
  const config = loadConfig({
    envFile: null,
    env: {
      SNACKBASE_DATABASE_URL: t.url,
      SNACKBASE_STATIC_DIR: '/nonexistent',
      ...(inbox ? testSmtpEnv(inbox.port) : {}),
      ...options.env,
    },
  });
  const core = createCore({
    config,
    secrets: TEST_SECRETS,
    logger: createLogger({ level: 'error', format: 'json', silent: true }),
    db: createDatabase({ url: t.url }),
  });
  if (options.start !== false) await core.start();
  return {
    t,
    core,
    app: createApp(core),
    inbox,
    async close() {
      await core.close();
      await t.destroy();
      await inbox?.close();
    },
  };
}

/** Signs `email` in to `account` (slug or code) through POST /api/v1/auth/login, expecting a 200; returns the token. */
export async function signIn(app: Express, account: string, email: string, password: string): Promise<string> {
  const res = await request(app).post('/api/v1/auth/login').send({ account, email, password }).expect(200);
  return res.body.token as string;
}

/** The link in the first mail, from the `after`-th on, sent to `to` with a link to `path` (waiting for it to arrive). */
export async function mailedLink(inbox: SmtpInbox, to: string, path: string, after = 0): Promise<URL> {
  const mail = await inbox.waitFor((m) => inbox.mails.indexOf(m) >= after && JSON.stringify(m.to ?? '').includes(to) && (m.text ?? '').includes(path));
  return new URL(/(https?:\/\/\S+)/.exec(mail.text ?? '')?.[1] ?? '');
}

/** The `token` query parameter of {@link mailedLink}; '' when the link has none. */
export async function mailedToken(inbox: SmtpInbox, to: string, path: string, after = 0): Promise<string> {
  return (await mailedLink(inbox, to, path, after)).searchParams.get('token') ?? '';
}
