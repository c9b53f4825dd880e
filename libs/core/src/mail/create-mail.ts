import type { SnackDatabase } from '@snackbase/db';
import type { AuditRecorder } from '../audit';
import type { Config } from '../config';
import { systemContext, type RequestContext } from '../context';
import type { AppHooks, MailerMessage } from '../events';
import { awaitBeforeHook } from '../events/app-error-from-hook';
import { validationFailed } from '../errors';
import type { Logger } from '../logging';
import { joinLink } from './build-link';
import { createMailTransport } from './create-transport';
import { getEmailLog, listEmailLogs, writeEmailLog, type EmailLog, type EmailLogQuery, type EmailLogStatus } from './email-logs';
import { checkTemplateText, findTemplate, getTemplate, listTemplates, updateTemplate, type EmailTemplate, type TemplateFilter, type TemplatePatch } from './email-templates';
import { MailSendError } from './mail-send-error';
import type { MailTransport, SentMail } from './mail-transport';
import type { TemplateText } from './builtin-templates';
import { renderMail, type RenderedMail } from './render-mail';
import { escapeHtml, type TemplateVariables } from './render-template';
import { defaultSystemSettings, readSystemSettings, type SystemSettings } from './system-settings';
import { SAMPLE_LINK_PATHS, SAMPLE_VARIABLES } from './template-variables';

/** A link variable: a path below app_url and its query parameters (URL-encoded for you). */
export interface MailLink {
  readonly path: string;
  readonly params?: Readonly<Record<string, string>>;
}

/** One mail to send from a template. */
export interface SendMailInput {
  readonly to: string;
  /** Template type, e.g. `email_verification`. */
  readonly template: string;
  readonly variables?: TemplateVariables;
  /** The account whose template and settings win over the system ones; also logged. */
  readonly accountId?: string;
  /** Link variables built from app_url; each name must end in `_url` (it is redacted in the log). */
  readonly links?: Readonly<Record<string, MailLink>>;
  readonly locale?: string;
  readonly replyTo?: string;
  /** The request (or job) that sends the mail: the mail events' context and its log lines carry it. */
  readonly requestId?: string;
}

/** A ready message (no template) to send, e.g. the free-text mail of an API hook's `send_email`. */
export interface SendMessageInput {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /** Defaults to `text`, HTML-escaped, line breaks kept. */
  readonly html?: string;
  /** The account it is sent for (logged). */
  readonly accountId?: string;
  /** What `email_logs.template_type` and the mailer events call it; default `custom`. */
  readonly kind?: string;
  readonly replyTo?: string;
  /** See {@link SendMailInput.requestId}. */
  readonly requestId?: string;
}

/** A mail handed to the provider (`sent`) or, with no provider configured, recorded as `skipped`. */
export interface MailResult {
  readonly status: Exclude<EmailLogStatus, 'failed'>;
  /** The `email_logs` row of this attempt. */
  readonly logId: string;
  readonly provider: string;
  readonly messageId?: string;
  /** Why it was skipped. */
  readonly error?: string;
}

/** `POST /admin/email/templates/render`: stored text, or the given overrides, with sample values for what is missing. */
export interface PreviewInput {
  readonly templateType: string;
  readonly variables?: TemplateVariables;
  readonly accountId?: string;
  readonly locale?: string;
  readonly subject?: string;
  readonly html_body?: string;
  readonly text_body?: string;
}

/** Mail: templates, rendering, sending through the configured provider, and the send log. */
export interface Mail {
  /** The transport's name (`smtp`, `awsses`, `resend`) or `none`. */
  readonly provider: string;
  /**
   * Renders and sends one mail and writes one `email_logs` row. Resolves `sent`, or `skipped`
   * when the provider is `none` (never pretends it was sent); a failure is logged as `failed`
   * and rejects with a {@link MailSendError} carrying that row's id. Do not call it inside
   * `db.transaction` (it reads and writes through `db.kysely`: on SQLite that waits forever).
   */
  send(input: SendMailInput): Promise<MailResult>;
  /** Sends a ready message (no template) like {@link Mail.send}: same events, log and failures. */
  sendMessage(input: SendMessageInput): Promise<MailResult>;
  /** The admin "test send": a short fixed mail, or template `templateId` rendered with sample values; fails like `send`. */
  sendTest(to: string, options?: { readonly templateId?: string; readonly variables?: TemplateVariables; readonly requestId?: string }): Promise<MailResult>;
  /** The base of every link in mails: `system_settings.app_url`, else `SNACKBASE_EXTERNAL_URL`. */
  appUrl(accountId?: string): Promise<string>;
  /** An absolute link below {@link Mail.appUrl}, e.g. `buildLink('/verify-email', { token })`. */
  buildLink(path: string, params?: Readonly<Record<string, string>>, accountId?: string): Promise<string>;
  systemSettings(accountId?: string): Promise<SystemSettings>;
  listTemplates(filter?: TemplateFilter): Promise<EmailTemplate[]>;
  getTemplate(id: string): Promise<EmailTemplate>;
  /** Audited as an UPDATE of `email_templates` by `ctx`'s principal (see {@link MailDeps.audit}). */
  updateTemplate(ctx: RequestContext, id: string, patch: TemplatePatch): Promise<EmailTemplate>;
  /** The account's (else the system's) template of `type`, rendered with system variables under `variables`. */
  renderTemplate(type: string, variables: TemplateVariables, accountId?: string, locale?: string): Promise<RenderedMail>;
  previewTemplate(input: PreviewInput): Promise<RenderedMail>;
  listLogs(query?: EmailLogQuery): Promise<{ logs: EmailLog[]; total: number; page: number; page_size: number }>;
  getLog(id: string): Promise<EmailLog>;
}

/** What {@link createMail} needs; `transport` replaces the configured one (tests, embedding). */
export interface MailDeps {
  readonly db: SnackDatabase;
  readonly config: Config;
  readonly logger: Logger;
  readonly transport?: MailTransport | null;
  /** Audits template changes; a mail module built without it (tests that only send) cannot change templates. */
  readonly audit?: AuditRecorder;
  /**
   * Fires `mailer.beforeSend` (may rewrite the message or abort: a 4xx, nothing sent or logged)
   * and `mailer.afterSend` (the provider accepted it) around every send. Without it, no events.
   */
  readonly hooks?: Pick<AppHooks, 'runBefore' | 'runAfter'>;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function checkRecipient(to: string): void {
  if (!EMAIL.test(to) || /[\r\n,;<>]/.test(to)) throw validationFailed([{ field: 'to', message: 'A valid email address is required', code: 'invalid_email' }], 'Invalid recipient');
}

function checkLinkNames(links: Readonly<Record<string, MailLink>>): void {
  for (const name of Object.keys(links)) {
    if (!name.endsWith('_url')) throw new Error(`mail link variable "${name}" must end in _url (so the send log redacts it)`);
  }
}

/**
 * The mail module. The transport comes from `config.mail` (none when the provider is `none`);
 * links are built from app_url of the system settings, never from a request.
 * @example
 * const mail = createMail({ db, config, logger });
 * await mail.send({ to: 'a@b.test', template: 'email_verification', variables: { email: 'a@b.test', expires_in: '1 hour' },
 *   links: { verification_url: { path: '/verify-email', params: { token } } } });
 */
export function createMail(deps: MailDeps): Mail {
  const { db, config, logger } = deps;
  const transport = deps.transport !== undefined ? deps.transport : createMailTransport(config.mail);
  const provider = transport?.name ?? 'none';
  const fallback = defaultSystemSettings(config);
  const settings = (accountId?: string) => readSystemSettings(db, fallback, accountId);

  async function variablesFor(input: SendMailInput): Promise<TemplateVariables> {
    const system = await settings(input.accountId);
    const links: Record<string, string> = {};
    for (const [name, link] of Object.entries(input.links ?? {})) links[name] = joinLink(system.app_url, link.path, link.params);
    return { ...system, ...input.variables, ...links };
  }

  /**
   * The mail events' context: `send` takes no `RequestContext`, so it is an anonymous one with
   * the correlation id of the request (or job) that sends the mail.
   */
  const eventContext = (requestId: string | undefined) => systemContext(requestId ?? '');

  /** `mailer.beforeSend`: the final message, or the abort as its 4xx. A rewritten recipient is checked again. */
  async function beforeSend(message: MailerMessage, input: SendMailInput): Promise<MailerMessage> {
    if (!deps.hooks) return message;
    const hooks = deps.hooks;
    const draft = (await awaitBeforeHook(() => hooks.runBefore('mailer.beforeSend', { ctx: eventContext(input.requestId), message, template: input.template }))).message;
    if (draft.to !== message.to) checkRecipient(draft.to);
    return draft;
  }

  async function deliver(input: SendMailInput, variables: TemplateVariables, rendered: () => Promise<RenderedMail>): Promise<MailResult> {
    const log = (status: EmailLogStatus, to: string, error?: string) =>
      writeEmailLog(db, { accountId: input.accountId, templateType: input.template, recipient: to, provider, status, errorMessage: error, variables });
    const failed = async (e: unknown, to: string): Promise<never> => {
      const error = (e as Error).message;
      const logId = await log('failed', to, error);
      logger.error('mail not sent', { request_id: input.requestId, template: input.template, provider, log_id: logId, error });
      throw e instanceof MailSendError ? new MailSendError(e.provider, error, e.status, logId) : new MailSendError(provider, error, undefined, logId);
    };
    let message: MailerMessage;
    try {
      const mail = await rendered();
      message = { to: input.to, subject: mail.subject, html: mail.html_body, text: mail.text_body, replyTo: input.replyTo };
    } catch (e) {
      return failed(e, input.to);
    }
    // Outside the try: an abort is the hook's answer, not a provider failure to log.
    message = await beforeSend(message, input);
    let sent: SentMail | null;
    try {
      sent = transport ? await transport.send(message) : null;
    } catch (e) {
      return failed(e, message.to);
    }
    if (sent) {
      const result: MailResult = { status: 'sent', logId: await log('sent', message.to), provider, messageId: sent.messageId };
      await deps.hooks?.runAfter('mailer.afterSend', { ctx: eventContext(input.requestId), message, template: input.template, messageId: sent.messageId });
      return result;
    }
    const error = 'No mail provider is configured (SNACKBASE_MAIL_PROVIDER=none); the mail was not sent';
    const logId = await log('skipped', message.to, error);
    logger.warn('mail skipped: no mail provider configured', { request_id: input.requestId, template: input.template, log_id: logId });
    return { status: 'skipped', logId, provider, error };
  }

  async function renderTemplate(type: string, variables: TemplateVariables, accountId?: string, locale?: string): Promise<RenderedMail> {
    const [template, system] = await Promise.all([findTemplate(db, type, accountId, locale), settings(accountId)]);
    return renderMail(template, { ...system, ...variables });
  }

  /** Renders `text` with sample values (sample links below app_url) under system and caller variables. */
  async function renderSample(text: TemplateText, accountId: string | undefined, variables: TemplateVariables = {}): Promise<RenderedMail> {
    const system = await settings(accountId);
    const samples: Record<string, string> = { ...SAMPLE_VARIABLES };
    for (const [name, path] of Object.entries(SAMPLE_LINK_PATHS)) samples[name] = joinLink(system.app_url, path, { token: 'sample-token' });
    return renderMail(text, { ...samples, ...system, ...variables });
  }

  async function previewTemplate(input: PreviewInput): Promise<RenderedMail> {
    checkTemplateText(input.templateType, { subject: input.subject, html_body: input.html_body, text_body: input.text_body });
    const stored = await findTemplate(db, input.templateType, input.accountId, input.locale);
    const text = { subject: input.subject ?? stored.subject, html_body: input.html_body ?? stored.html_body, text_body: input.text_body ?? stored.text_body };
    return renderSample(text, input.accountId, input.variables);
  }

  async function sendPlainTest(to: string, requestId: string | undefined): Promise<MailResult> {
    const system = await settings();
    const text = `This is a test email from ${system.app_name} (${system.app_url}). If you received it, mail delivery works.`;
    const mail = { subject: `${system.app_name} test email`, html_body: `<p>${escapeHtml(text)}</p>`, text_body: text };
    return deliver({ to, template: 'test', requestId }, { app_name: system.app_name, app_url: system.app_url }, async () => mail);
  }

  return {
    provider,
    async send(input) {
      checkRecipient(input.to);
      checkLinkNames(input.links ?? {});
      const variables = await variablesFor(input);
      return deliver(input, variables, async () => renderMail(await findTemplate(db, input.template, input.accountId, input.locale), variables));
    },
    async sendMessage(input) {
      checkRecipient(input.to);
      const html = input.html ?? `<p>${escapeHtml(input.text).replace(/\n/g, '<br>')}</p>`;
      const mail = { subject: input.subject, html_body: html, text_body: input.text };
      // Only the subject is logged: the body is free text that may hold anything.
      return deliver({ to: input.to, template: input.kind ?? 'custom', accountId: input.accountId, replyTo: input.replyTo, requestId: input.requestId }, { subject: input.subject }, async () => mail);
    },
    async sendTest(to, options = {}) {
      checkRecipient(to);
      if (!options.templateId) return sendPlainTest(to, options.requestId);
      const template = await getTemplate(db, options.templateId);
      const input = { to, template: template.template_type, accountId: template.account_id, locale: template.locale, requestId: options.requestId };
      return deliver(input, { ...options.variables }, () => renderSample(template, template.account_id, options.variables));
    },
    appUrl: async (accountId) => (await settings(accountId)).app_url,
    buildLink: async (path, params, accountId) => joinLink((await settings(accountId)).app_url, path, params),
    systemSettings: settings,
    listTemplates: (filter) => listTemplates(db, filter),
    getTemplate: (id) => getTemplate(db, id),
    async updateTemplate(ctx, id, patch) {
      if (!deps.audit) throw new Error('createMail was built without an audit recorder: template changes must be audited');
      return updateTemplate(ctx, { db, audit: deps.audit }, id, patch);
    },
    renderTemplate,
    previewTemplate,
    listLogs: (query) => listEmailLogs(db, query),
    getLog: (id) => getEmailLog(db, id),
  };
}
