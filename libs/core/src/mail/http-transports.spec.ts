import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDatabase, migrateToLatest, type SnackDatabase } from '@snackbase/db';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '@snackbase/testing';
import { loadConfig } from '../config';
import { createLogger } from '../logging';
import { createMail } from './create-mail';
import { createResendTransport } from './resend-transport';
import { seedEmailTemplates } from './seed-email-templates';
import { createSesTransport } from './ses-transport';

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const requests: Received[] = [];
let reply: (req: Received) => { status: number; body: unknown } = () => ({ status: 200, body: {} });
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const got = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(got);
      const answer = reply(got);
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const SES = { region: 'eu-west-1', accessKeyId: 'AKIDTESTKEY', secretAccessKey: 'ses/Secret+Key+0123456789abcdef' };
const RESEND_KEY = 're_test_9f8e7d6c5b4a';
const message = { to: 'jane@example.com', subject: 'Hello Jane', html: '<p>Hi</p>', text: 'Hi' };

/** SigV4 recomputed from the request as the server received it (independent of aws-sigv4.ts). */
function expectedSignature(req: Received, secret: string, scope: string, signedHeaders: string): string {
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  const names = signedHeaders.split(';');
  const canonicalHeaders = names.map((n) => `${n}:${String(req.headers[n]).trim()}\n`).join('');
  const canonical = ['POST', req.path, '', canonicalHeaders, signedHeaders, sha(req.body)].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', String(req.headers['x-amz-date']), scope, sha(canonical)].join('\n');
  const [day, region, service] = scope.split('/');
  let key: Buffer = createHmac('sha256', `AWS4${secret}`).update(day).digest();
  for (const part of [region, service, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  return createHmac('sha256', key).update(toSign).digest('hex');
}

describe('SES transport', () => {
  beforeEach(() => (requests.length = 0));

  it('POSTs a SESv2 SendEmail request signed with a valid AWS4-HMAC-SHA256 signature', async () => {
    reply = () => ({ status: 200, body: { MessageId: 'ses-msg-1' } });
    const ses = createSesTransport({ ...SES, from: 'App <noreply@app.test>', endpoint: base, now: () => new Date('2024-05-06T07:08:09Z') });
    expect(await ses.send(message)).toEqual({ messageId: 'ses-msg-1' });
    const [req] = requests;
    expect(req).toMatchObject({ method: 'POST', path: '/v2/email/outbound-emails' });
    expect(JSON.parse(req.body)).toEqual({
      FromEmailAddress: 'App <noreply@app.test>',
      Destination: { ToAddresses: ['jane@example.com'] },
      Content: { Simple: { Subject: { Data: 'Hello Jane', Charset: 'UTF-8' }, Body: { Html: { Data: '<p>Hi</p>', Charset: 'UTF-8' }, Text: { Data: 'Hi', Charset: 'UTF-8' } } } },
    });
    expect(req.headers['x-amz-date']).toBe('20240506T070809Z');
    const auth = /^AWS4-HMAC-SHA256 Credential=AKIDTESTKEY\/(\d{8}\/eu-west-1\/ses\/aws4_request), SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(String(req.headers.authorization));
    expect(auth).not.toBeNull();
    const [, scope, signedHeaders, signature] = auth as RegExpExecArray;
    expect(scope).toBe('20240506/eu-west-1/ses/aws4_request');
    expect(signedHeaders.split(';')).toEqual(expect.arrayContaining(['content-type', 'host', 'x-amz-date']));
    expect(signature).toBe(expectedSignature(req, SES.secretAccessKey, scope, signedHeaders));
    expect(signature).not.toBe(expectedSignature(req, 'another-secret', scope, signedHeaders));
  });

  it('a 500 becomes a MailSendError with the provider’s message and no secret', async () => {
    reply = (req) => ({ status: 500, body: { message: `Internal failure for ${String(req.headers.authorization)} ${SES.secretAccessKey}` } });
    const ses = createSesTransport({ ...SES, from: 'noreply@app.test', endpoint: base });
    const error = await ses.send(message).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'MailSendError', provider: 'awsses', status: 500 });
    expect((error as Error).message).toMatch(/^awsses answered 500: Internal failure/);
    expect((error as Error).message).not.toContain(SES.secretAccessKey);
  });
});

describe('Resend transport', () => {
  beforeEach(() => (requests.length = 0));

  it('POSTs /emails with the Bearer key and the documented body', async () => {
    reply = () => ({ status: 200, body: { id: 'resend-1' } });
    const resend = createResendTransport({ apiKey: RESEND_KEY, from: 'App <noreply@app.test>', endpoint: `${base}/` });
    expect(await resend.send({ ...message, replyTo: 'help@app.test' })).toEqual({ messageId: 'resend-1' });
    const [req] = requests;
    expect(req).toMatchObject({ method: 'POST', path: '/emails' });
    expect(req.headers.authorization).toBe(`Bearer ${RESEND_KEY}`);
    expect(req.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req.body)).toEqual({ from: 'App <noreply@app.test>', to: ['jane@example.com'], subject: 'Hello Jane', html: '<p>Hi</p>', text: 'Hi', reply_to: 'help@app.test' });
  });

  it.each([
    ['a 401 that echoes the key', () => ({ status: 401, body: { message: `API key ${RESEND_KEY} is invalid` } }), /^resend answered 401: API key \*\*\* is invalid$/],
    ['a 200 without an id', () => ({ status: 200, body: {} }), /^resend answered without a message id$/],
  ])('%s is a MailSendError without the key', async (_name, answer, expected) => {
    reply = answer;
    const error = await createResendTransport({ apiKey: RESEND_KEY, from: 'a@app.test', endpoint: base }).send(message).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'MailSendError', provider: 'resend' });
    expect((error as Error).message).toMatch(expected);
  });

  it('an unreachable endpoint is a MailSendError naming the host', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await createResendTransport({ apiKey: RESEND_KEY, from: 'a@app.test', endpoint: `http://127.0.0.1:${port}` }).send(message).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'MailSendError', provider: 'resend', message: expect.stringContaining(`resend could not be reached at 127.0.0.1:${port}`) });
  });
});

describe.each(TEST_DIALECTS)('HTTP providers through createMail on %s', (dialect) => {
  let t: TestDatabase;
  let db: SnackDatabase;
  const logger = createLogger({ level: 'error', format: 'json', silent: true });
  const config = (env: Record<string, string>) => loadConfig({ envFile: null, env: { SNACKBASE_EXTERNAL_URL: 'https://app.example.com', ...env } });
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
  beforeEach(() => (requests.length = 0));

  it('sends through SES as configured and logs sent', async () => {
    reply = () => ({ status: 200, body: { MessageId: 'ses-msg-2' } });
    const env = { SNACKBASE_MAIL_PROVIDER: 'ses', SNACKBASE_SES_REGION: SES.region, SNACKBASE_SES_ACCESS_KEY_ID: SES.accessKeyId, SNACKBASE_SES_SECRET_ACCESS_KEY: SES.secretAccessKey, SNACKBASE_SES_ENDPOINT: base };
    const mail = createMail({ db, config: config(env), logger });
    const result = await mail.send({ to: 'jane@example.com', template: 'password_reset', variables: { user_name: 'Jane' }, links: { reset_url: { path: '/reset-password', params: { token: 'abc123secret' } } } });
    expect(result).toMatchObject({ status: 'sent', provider: 'awsses', messageId: 'ses-msg-2' });
    const content = JSON.parse(requests[0].body).Content.Simple;
    expect(content.Subject.Data).toBe('Reset your SnackBase password');
    expect(content.Body.Text.Data).toContain('https://app.example.com/reset-password?token=abc123secret');
    expect(content.Body.Html.Data).toContain('Hello Jane,');
    const row = await logRow(result.logId);
    expect(row).toMatchObject({ status: 'sent', provider: 'awsses', template_type: 'password_reset', recipient_email: 'jane@example.com' });
    expect(JSON.stringify(row)).not.toContain('abc123secret');
  });

  it('a Resend 500 is logged as failed and rejects with a MailSendError free of the key and token', async () => {
    reply = () => ({ status: 500, body: { message: `upstream broke while using ${RESEND_KEY}` } });
    const mail = createMail({ db, config: config({ SNACKBASE_MAIL_PROVIDER: 'resend', SNACKBASE_RESEND_API_KEY: RESEND_KEY, SNACKBASE_RESEND_ENDPOINT: base }), logger });
    const error = await mail.send({ to: 'jane@example.com', template: 'email_verification', variables: { token: 'abc123secret' }, links: { verification_url: { path: '/verify-email', params: { token: 'abc123secret' } } } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'MailSendError', provider: 'resend', status: 500, message: 'resend answered 500: upstream broke while using ***' });
    expect(JSON.parse(requests[0].body).text).toContain('https://app.example.com/verify-email?token=abc123secret');
    const row = await logRow((error as { logId: string }).logId);
    expect(row).toMatchObject({ status: 'failed', provider: 'resend', error_message: 'resend answered 500: upstream broke while using ***' });
    expect(JSON.stringify(row)).not.toContain('abc123secret');
    expect(JSON.stringify(row)).not.toContain(RESEND_KEY);
  });
});
