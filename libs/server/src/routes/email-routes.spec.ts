import { createServer } from 'node:net';
import request from 'supertest';
import { createSuperadmin, systemContext } from '@snackbase/core';
import { startSmtpInbox, TEST_DIALECTS, type SmtpInbox, type TestDialect } from '@snackbase/testing';
import { signIn, startTestServer, testSmtpEnv, type TestServer } from '../test-support/test-server';

const PASSWORD = 'Correct-Horse-9!';
const SMTP_PASSWORD = 'smtp-Pa55word-do-not-leak';
const BASE = '/api/v1/admin/email';

/** A loopback port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Running extends TestServer {
  readonly token: string;
}

/**
 * A core and app on a fresh database, mailing through SMTP at `port` (with a login when
 * `credentials`: the test inbox refuses AUTH over plain text), with a signed-in superadmin.
 */
async function startApp(dialect: TestDialect, port: number, credentials = false): Promise<Running> {
  const server = await startTestServer(dialect, {
    env: { ...testSmtpEnv(port), ...(credentials ? { SNACKBASE_SMTP_USER: 'mailer', SNACKBASE_SMTP_PASSWORD: SMTP_PASSWORD } : {}) },
  });
  await createSuperadmin(systemContext('test'), server.core, { email: 'root@example.com', password: PASSWORD });
  return { ...server, token: await signIn(server.app, 'system', 'root@example.com', PASSWORD) };
}

describe.each(TEST_DIALECTS)('email admin routes on %s', (dialect) => {
  let inbox: SmtpInbox;
  let main: Running;
  let broken: Running;
  let tenantToken: string;

  const as = (r: Running, token: string | undefined, method: 'get' | 'post' | 'put', url: string) => {
    const req = request(r.app)[method](url);
    return token ? req.set('Authorization', `Bearer ${token}`) : req;
  };
  const sa = (method: 'get' | 'post' | 'put', url: string) => as(main, main.token, method, url);
  const templateId = async (type: string) => (await sa('get', `${BASE}/templates?template_type=${type}`).expect(200)).body[0].id as string;

  beforeAll(async () => {
    inbox = await startSmtpInbox();
    main = await startApp(dialect, inbox.port);
    broken = await startApp(dialect, await closedPort(), true);
    const reg = await request(main.app).post('/api/v1/auth/register').send({ email: 'ann@acme.test', password: PASSWORD, account_name: 'Acme' }).expect(201);
    await main.core.users.verify(systemContext('test'), reg.body.user.id);
    tenantToken = (await request(main.app).post('/api/v1/auth/login').send({ account: 'acme', email: 'ann@acme.test', password: PASSWORD }).expect(200)).body.token;
  });
  afterAll(async () => {
    for (const r of [main, broken]) await r?.close();
    await inbox?.close();
  });

  it.each([
    ['get', `${BASE}/templates`],
    ['get', `${BASE}/templates/some-id`],
    ['put', `${BASE}/templates/some-id`],
    ['post', `${BASE}/templates/render`],
    ['post', `${BASE}/templates/some-id/test`],
    ['get', `${BASE}/logs`],
    ['get', `${BASE}/logs/some-id`],
  ] as const)('%s %s is for superadmins only: 401 anonymous, 403 tenant users', async (method, url) => {
    const body = { template_type: 'email_verification', recipient_email: 'x@example.com' };
    const call = (token?: string) => (method === 'get' ? as(main, token, method, url) : as(main, token, method, url).send(body));
    const anonymous = await call().expect(401);
    expect(anonymous.body.code).toBe('unauthorized');
    const tenant = await call(tenantToken).expect(403);
    expect(tenant.body.code).toBe('forbidden');
  });

  it('lists the three built-in system templates, filters them, and answers 404 for an unknown id', async () => {
    const all = await sa('get', `${BASE}/templates`).expect(200);
    expect(all.body.map((t: { template_type: string }) => t.template_type).sort()).toEqual(['email_verification', 'invitation', 'password_reset']);
    expect(all.body[0]).toMatchObject({ locale: 'en', enabled: true, is_builtin: true });
    const reset = await sa('get', `${BASE}/templates?template_type=password_reset&enabled=true&locale=en`).expect(200);
    expect(reset.body).toEqual([expect.objectContaining({ template_type: 'password_reset', subject: 'Reset your {{ app_name }} password' })]);
    expect((await sa('get', `${BASE}/templates?enabled=false`).expect(200)).body).toEqual([]);
    await sa('get', `${BASE}/templates?enabled=maybe`).expect(422);
    const one = await sa('get', `${BASE}/templates/${reset.body[0].id}`).expect(200);
    expect(one.body).toEqual(reset.body[0]);
    const missing = await sa('get', `${BASE}/templates/nope`).expect(404);
    expect(missing.body.message).toBe('Email template not found: nope');
  });

  it('updates a template and renders the change; unknown variables are refused by name', async () => {
    const id = await templateId('password_reset');
    const updated = await sa('put', `${BASE}/templates/${id}`)
      .send({ subject: 'Reset for {{ app_name }} now', html_body: '<p>Hi {{ user_name }}, go to {{ reset_url }}</p>', text_body: 'Hi {{ user_name }}: {{ reset_url }}' })
      .expect(200);
    expect(updated.body).toMatchObject({ id, subject: 'Reset for {{ app_name }} now', enabled: true });
    const rendered = await sa('post', `${BASE}/templates/render`).send({ template_type: 'password_reset', variables: { user_name: 'Ann' } }).expect(200);
    expect(rendered.body).toEqual({
      subject: 'Reset for SnackBase now',
      html_body: expect.stringMatching(/^<p>Hi Ann, go to http:\/\/public\.example\/reset-password\?token=/),
      text_body: expect.stringMatching(/^Hi Ann: http:\/\/public\.example\/reset-password/),
    });
    const refused = await sa('put', `${BASE}/templates/${id}`).send({ subject: 'Hi {{ password }}', text_body: '{{ secret_key }}' }).expect(400);
    expect(refused.body.code).toBe('validation_failed');
    expect(refused.body.message).toContain('password');
    expect(refused.body.details.map((d: { field: string; message: string }) => `${d.field}: ${d.message}`)).toEqual([
      'subject: Unknown template variable password',
      'text_body: Unknown template variable secret_key',
    ]);
    expect((await sa('get', `${BASE}/templates/${id}`).expect(200)).body.subject).toBe('Reset for {{ app_name }} now');
    await sa('put', `${BASE}/templates/${id}`).send({ enabled: 'yes' }).expect(422);
    await sa('put', `${BASE}/templates/nope`).send({ enabled: false }).expect(404);
  });

  it('renders overrides with HTML-escaped variables in the HTML body only, and refuses unknown variables there too', async () => {
    const script = '<script>alert(1)</script>';
    const res = await sa('post', `${BASE}/templates/render`)
      .send({ template_type: 'email_verification', variables: { user_name: script }, subject: 'Hello {{ user_name }}', html_body: '<b>{{ user_name }}</b>', text_body: '{{ user_name }}' })
      .expect(200);
    expect(res.body).toEqual({ subject: `Hello ${script}`, html_body: '<b>&lt;script&gt;alert(1)&lt;/script&gt;</b>', text_body: script });
    const refused = await sa('post', `${BASE}/templates/render`).send({ template_type: 'email_verification', html_body: '{{ config }}' }).expect(400);
    expect(refused.body.details).toEqual([expect.objectContaining({ field: 'html_body', code: 'unknown_variable' })]);
    await sa('post', `${BASE}/templates/render`).send({ template_type: 'nope' }).expect(404);
    await sa('post', `${BASE}/templates/render`).send({ variables: {} }).expect(422);
  });

  it('sends a test email through SMTP with the template subject and logs it as sent', async () => {
    const id = await templateId('email_verification');
    const res = await sa('post', `${BASE}/templates/${id}/test`).send({ recipient_email: 'probe@example.com', variables: {} }).expect(200);
    expect(res.body).toMatchObject({ status: 'success', message: 'Test email sent to probe@example.com', template_type: 'email_verification', locale: 'en' });
    const mail = await inbox.waitFor((m) => JSON.stringify(m.to).includes('probe@example.com'));
    expect(mail.subject).toBe('Verify your email address for SnackBase');
    const log = await sa('get', `${BASE}/logs/${res.body.log_id}`).expect(200);
    expect(log.body).toMatchObject({ id: res.body.log_id, status: 'sent', provider: 'smtp', recipient_email: 'probe@example.com', template_type: 'email_verification' });
    await sa('post', `${BASE}/templates/${id}/test`).send({ recipient_email: 'not an email' }).expect(422);
    await sa('post', `${BASE}/templates/nope/test`).send({ recipient_email: 'probe@example.com' }).expect(404);
  });

  it('answers 503 when the SMTP server is unreachable and logs the failure without credentials', async () => {
    const id = (await as(broken, broken.token, 'get', `${BASE}/templates?template_type=invitation`).expect(200)).body[0].id;
    const res = await as(broken, broken.token, 'post', `${BASE}/templates/${id}/test`).send({ recipient_email: 'probe@example.com' }).expect(503);
    expect(res.body).toMatchObject({ code: 'service_unavailable', log_id: expect.any(String) });
    expect(res.body.message).toMatch(/^Failed to send test email to probe@example.com through smtp/);
    const failed = await as(broken, broken.token, 'get', `${BASE}/logs?status_filter=failed`).expect(200);
    expect(failed.body).toMatchObject({ total: 1, page: 1, page_size: 25 });
    expect(failed.body.logs[0]).toMatchObject({ id: res.body.log_id, status: 'failed', provider: 'smtp', template_type: 'invitation', error_message: expect.any(String) });
    const dump = JSON.stringify([res.body, failed.body]);
    for (const secret of [SMTP_PASSWORD, Buffer.from(`\u0000mailer\u0000${SMTP_PASSWORD}`).toString('base64'), 'stack', '    at ']) expect(dump).not.toContain(secret);
  });

  it('lists logs newest first with filters and pagination, and answers 404 and 422 where due', async () => {
    const id = await templateId('invitation');
    for (const to of ['p1@example.com', 'p2@example.com']) await sa('post', `${BASE}/templates/${id}/test`).send({ recipient_email: to }).expect(200);
    const sent = await sa('get', `${BASE}/logs?status_filter=sent&template_type=invitation&page_size=1`).expect(200);
    expect(sent.body).toMatchObject({ total: 2, page: 1, page_size: 1, logs: [expect.objectContaining({ recipient_email: 'p2@example.com' })] });
    const second = await sa('get', `${BASE}/logs?status_filter=sent&template_type=invitation&page_size=1&page=2`).expect(200);
    expect(second.body.logs[0].recipient_email).toBe('p1@example.com');
    expect((await sa('get', `${BASE}/logs?status_filter=failed`).expect(200)).body.total).toBe(0);
    expect((await sa('get', `${BASE}/logs?start_date=2999-01-01T00:00:00Z`).expect(200)).body.total).toBe(0);
    expect((await sa('get', `${BASE}/logs?end_date=2999-01-01`).expect(200)).body.total).toBeGreaterThanOrEqual(3);
    await sa('get', `${BASE}/logs?start_date=yesterday`).expect(422);
    await sa('get', `${BASE}/logs?page_size=101`).expect(422);
    await sa('get', `${BASE}/logs/nope`).expect(404);
  });
});
