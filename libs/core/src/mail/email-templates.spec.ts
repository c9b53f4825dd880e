import { randomUUID } from 'node:crypto';
import { createDatabase, migrateToLatest, type SnackDatabase } from '@snackbase/db';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '@snackbase/testing';
import { allocateAccountCode } from '@snackbase/tenancy';
import { SYSTEM_ACCOUNT_ID } from '../accounts';
import { createAudit, type Audit } from '../audit';
import { loadConfig } from '../config';
import type { RequestContext } from '../context';
import { createLogger } from '../logging';
import { BUILTIN_TEMPLATES } from './builtin-templates';
import { createMail, type Mail } from './create-mail';
import { updateTemplate, type TemplatePatch } from './email-templates';
import { seedEmailTemplates } from './seed-email-templates';
import { seedSystemSettings } from './system-settings';
import { TEMPLATE_TYPES, TEMPLATE_VARIABLES, allowedVariables } from './template-variables';
import { unknownPlaceholders } from './render-template';

describe('built-in templates', () => {
  it.each(TEMPLATE_TYPES)('%s uses only its allowed variables', (type) => {
    const t = BUILTIN_TEMPLATES[type];
    expect(unknownPlaceholders(`${t.subject}${t.html_body}${t.text_body}`, allowedVariables(type))).toEqual([]);
    const link = TEMPLATE_VARIABLES[type].find((v) => v.endsWith('_url')) as string;
    expect(t.html_body).toContain(`{{ ${link} }}`);
    expect(t.text_body).toContain(`{{ ${link} }}`);
  });
});

describe.each(TEST_DIALECTS)('email templates on %s', (dialect) => {
  let t: TestDatabase;
  let db: SnackDatabase;
  let mail: Mail;
  let audit: Audit;
  const tenant = randomUUID();
  const admin: RequestContext = { principal: { kind: 'user', userId: 'admin-1', accountId: SYSTEM_ACCOUNT_ID, email: 'admin@example.com', role: 'admin', sessionId: 's', isSuperadmin: true },
    requestId: 'req-tpl',
  };
  // Template writes are audited: they go through the audited writer with a superadmin's context.
  const update = (id: string, patch: TemplatePatch) => updateTemplate(admin, { db, audit }, id, patch);

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    await t.db.destroy();
    db = createDatabase({ url: t.url });
    await migrateToLatest(db);
    const config = loadConfig({ envFile: null, env: { SNACKBASE_EXTERNAL_URL: 'https://app.example.com/' } });
    const logger = createLogger({ level: 'error', format: 'json', silent: true });
    audit = createAudit({ db, config: { auditLoggingEnabled: true }, logger });
    await seedSystemSettings(db, config, audit);
    mail = createMail({ db, config, logger: createLogger({ level: 'error', format: 'json', silent: true }) });
    await db.transaction(async (trx) => {
      const code = await allocateAccountCode(trx, db.dialect);
      await trx.insertInto('accounts').values({ id: tenant, account_code: code, slug: 'acme', name: 'Acme' }).execute();
    });
  });
  afterAll(async () => {
    await db.close();
    await t.destroy();
  });

  it('seeds the three system templates once, and never overwrites an edited one', async () => {
    expect(await seedEmailTemplates(db)).toEqual([...TEMPLATE_TYPES]);
    const [verification] = await mail.listTemplates({ templateType: 'email_verification' });
    await update(verification.id, { subject: 'Confirm {{ email }}' });
    expect(await seedEmailTemplates(db)).toEqual([]);
    const all = await mail.listTemplates();
    expect(all.map((x) => [x.template_type, x.locale, x.account_id, x.is_builtin, x.enabled])).toEqual(
      [...TEMPLATE_TYPES].sort().map((type) => [type, 'en', SYSTEM_ACCOUNT_ID, true, true]),
    );
    expect((await mail.getTemplate(verification.id)).subject).toBe('Confirm {{ email }}');
    await update(verification.id, { subject: BUILTIN_TEMPLATES.email_verification.subject });
  });

  it('audits a template update (changed columns only, by the caller) and the seeded settings', async () => {
    const [invitation] = await mail.listTemplates({ templateType: 'invitation', accountId: SYSTEM_ACCOUNT_ID });
    const updated = await update(invitation.id, { subject: 'Join {{ account_name }}', enabled: true });
    const entries = (await audit.list({ tableName: 'email_templates', recordId: invitation.id, limit: 100 })).items;
    expect(entries.map((e) => [e.operation, e.column_name, e.old_value, e.new_value, e.user_email, e.request_id]).sort()).toEqual([
      ['UPDATE', 'subject', invitation.subject, 'Join {{ account_name }}', 'admin@example.com', 'req-tpl'],
      ['UPDATE', 'updated_at', invitation.updated_at, updated.updated_at, 'admin@example.com', 'req-tpl'],
    ]);
    expect(entries.every((e) => e.account_id === SYSTEM_ACCOUNT_ID)).toBe(true);
    await update(invitation.id, { subject: invitation.subject });
    const seeded = (await audit.list({ tableName: 'configurations', limit: 100 })).items;
    expect(seeded.map((e) => e.column_name).sort()).toEqual(['account_id', 'category', 'config', 'display_name', 'enabled', 'id', 'is_builtin', 'is_system', 'provider_name']);
    expect(seeded.find((e) => e.column_name === 'config')?.new_value).toBe(JSON.stringify({ app_name: 'SnackBase', app_url: 'https://app.example.com', support_email: '' }));
  });

  it('writes nothing, audit included, when an update is refused', async () => {
    const [reset] = await mail.listTemplates({ templateType: 'password_reset' });
    const before = (await audit.list({ tableName: 'email_templates', limit: 100 })).total;
    await expect(update(reset.id, { subject: '{{ nope }}' })).rejects.toMatchObject({ status: 400 });
    await expect(update('missing', { subject: 'x' })).rejects.toMatchObject({ status: 404 });
    expect((await audit.list({ tableName: 'email_templates', limit: 100 })).total).toBe(before);
  });

  it('refuses unknown variables on update, naming them, and changes nothing', async () => {
    const [reset] = await mail.listTemplates({ templateType: 'password_reset' });
    const attempt = update(reset.id, { subject: 'Hi {{ first_name }}', html_body: '{{ reset_url }} {{ user.password }} {{ first_name }}' });
    await expect(attempt).rejects.toMatchObject({
      status: 400,
      code: 'validation_failed',
      message: expect.stringMatching(/^Unknown template variables: first_name, \{\{ user\.password \}\}\. Allowed: app_name, app_url, support_email, email, /),
      details: [
        { field: 'subject', code: 'unknown_variable', message: 'Unknown template variable first_name' },
        { field: 'html_body', code: 'unknown_variable', message: 'Unknown template variable {{ user.password }}' },
        { field: 'html_body', code: 'unknown_variable', message: 'Unknown template variable first_name' },
      ],
    });
    expect(await mail.getTemplate(reset.id)).toEqual(reset);
    await expect(mail.getTemplate('nope')).rejects.toMatchObject({ status: 404, message: 'Email template not found: nope' });
  });

  it('an enabled account template overrides the system one; disabled, it falls back', async () => {
    const id = randomUUID();
    await db.kysely
      .insertInto('email_templates')
      .values({ id, account_id: tenant, template_type: 'invitation', locale: 'en', subject: 'Join {{ account_name }} now', html_body: '<b>{{ invited_by }}</b>', text_body: '{{ invited_by }}' })
      .execute();
    const vars = { account_name: 'Acme', invited_by: 'Bob <bob@acme.test>' };
    expect(await mail.renderTemplate('invitation', vars, tenant)).toEqual({ subject: 'Join Acme now', html_body: '<b>Bob &lt;bob@acme.test&gt;</b>', text_body: 'Bob <bob@acme.test>' });
    expect((await mail.renderTemplate('invitation', vars)).subject).toBe("You've been invited to join Acme on SnackBase");
    expect((await mail.renderTemplate('invitation', vars, randomUUID())).subject).toBe("You've been invited to join Acme on SnackBase");
    await update(id, { enabled: false });
    expect((await mail.renderTemplate('invitation', vars, tenant)).subject).toBe("You've been invited to join Acme on SnackBase");
    expect(await mail.listTemplates({ accountId: tenant })).toEqual([expect.objectContaining({ id, enabled: false, is_builtin: false })]);
  });

  it('escapes variables in the HTML body and keeps them raw in the text body', async () => {
    const out = await mail.renderTemplate('email_verification', { email: '<script>alert("x")</script>', verification_url: 'https://app.example.com/verify-email?token=a&b="c"' });
    expect(out.html_body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(out.html_body).not.toContain('<script>');
    expect(out.html_body).toContain('href="https://app.example.com/verify-email?token=a&amp;b=&quot;c&quot;"');
    expect(out.text_body).toContain('<script>alert("x")</script>');
    expect(out.text_body).toContain('https://app.example.com/verify-email?token=a&b="c"');
  });

  it('previews stored text or overrides with sample values, and validates overrides', async () => {
    const stored = await mail.previewTemplate({ templateType: 'password_reset' });
    expect(stored.subject).toBe('Reset your SnackBase password');
    expect(stored.text_body).toContain('Hello Jane Doe,');
    expect(stored.text_body).toContain('https://app.example.com/reset-password?token=sample-token');
    const custom = await mail.previewTemplate({ templateType: 'password_reset', subject: 'For {{ user_email }}', html_body: '<i>{{ user_name }}</i>', variables: { user_name: 'A&B' } });
    expect(custom).toEqual({ subject: 'For jane@example.com', html_body: '<i>A&amp;B</i>', text_body: stored.text_body.replace('Jane Doe', 'A&B') });
    await expect(mail.previewTemplate({ templateType: 'password_reset', text_body: '{{ secret }}' })).rejects.toMatchObject({ code: 'validation_failed', message: expect.stringContaining('Unknown template variables: secret') });
    await expect(mail.previewTemplate({ templateType: 'newsletter' })).rejects.toMatchObject({ status: 404 });
  });

  it('lists send logs newest first with filters and pages', async () => {
    await mail.send({ to: 'one@example.com', template: 'email_verification' });
    await new Promise((resolve) => setTimeout(resolve, 5)); // distinct sent_at: the order is by time
    await mail.send({ to: 'two@example.com', template: 'password_reset' });
    const all = await mail.listLogs({ pageSize: 1 });
    expect(all).toMatchObject({ total: 2, page: 1, page_size: 1, logs: [{ recipient_email: 'two@example.com', status: 'skipped' }] });
    expect((await mail.listLogs({ templateType: 'email_verification' })).logs.map((l) => l.recipient_email)).toEqual(['one@example.com']);
    expect((await mail.listLogs({ status: 'sent' })).total).toBe(0);
    expect((await mail.listLogs({ start: '2999-01-01' })).total).toBe(0);
    await expect(mail.listLogs({ end: 'not a date' })).rejects.toMatchObject({ status: 422 });
    expect(await mail.getLog(all.logs[0].id)).toEqual(all.logs[0]);
  });
});
