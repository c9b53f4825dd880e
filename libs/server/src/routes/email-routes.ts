import type { Router } from 'express';
import {
  emailLogListQuerySchema,
  emailLogListResponseSchema,
  emailLogResponseSchema,
  emailRenderResponseSchema,
  emailTemplateListQuerySchema,
  emailTemplateListResponseSchema,
  emailTemplateResponseSchema,
  emailTestResponseSchema,
  renderEmailTemplateRequestSchema,
  testEmailRequestSchema,
  updateEmailTemplateRequestSchema,
} from '@snackbase/contract';
import { AppError, MailSendError, type Core, type MailResult, type TemplatePatch, type TemplateVariables } from '@snackbase/core';
import { contextOf, requireSuperadmin } from '../middleware/authenticate';
import { requestIdOf } from '../middleware/request-context';
import type { RouteRegistry } from '../openapi/route-registry';

type Query = Record<string, string | undefined>;

interface RenderBody extends Omit<TemplatePatch, 'enabled'> {
  readonly template_type: string;
  readonly variables?: TemplateVariables;
  readonly locale?: string;
  readonly account_id?: string;
}

interface TestBody {
  readonly recipient_email: string;
  readonly variables?: TemplateVariables;
}

const unavailable = (message: string, logId?: string) =>
  new AppError(503, 'service_unavailable', 'Service unavailable', message, undefined, logId ? { log_id: logId } : undefined);

/**
 * Sends the test mail; a provider failure (or no provider at all) is a 503 that names the
 * `email_logs` row, never the provider's raw error, a stack or credentials.
 */
async function sendTest(core: Core, requestId: string, to: string, templateId: string, variables?: TemplateVariables): Promise<MailResult> {
  let result: MailResult;
  try {
    result = await core.mail.sendTest(to, { templateId, variables, requestId });
  } catch (e) {
    if (!(e instanceof MailSendError)) throw e;
    throw unavailable(`Failed to send test email to ${to} through ${e.provider}; see email log ${e.logId ?? 'entries'} for the reason`, e.logId);
  }
  if (result.status !== 'sent') throw unavailable(`No mail provider is configured; the test email to ${to} was not sent`, result.logId);
  return result;
}

/** The superadmin email admin API (spec §10.5): templates, render preview, test send and the send log. */
export function registerEmailRoutes(registry: RouteRegistry, router: Router, core: Core): void {
  const base = `${core.config.apiPrefix}/admin/email`;
  const tags = ['email'];
  const template = { description: 'Email template', schema: emailTemplateResponseSchema };
  registry.add(router, {
    method: 'get', path: `${base}/templates`, summary: 'List email templates', tags, access: 'superadmin', query: emailTemplateListQuerySchema,
    responses: { 200: { description: 'Templates of every account', schema: emailTemplateListResponseSchema } },
    handler: async (req, res) => {
      requireSuperadmin(res);
      const q = req.query as Query;
      const enabled = q['enabled'] === undefined ? undefined : q['enabled'] === 'true';
      res.json(await core.mail.listTemplates({ templateType: q['template_type'], locale: q['locale'], accountId: q['account_id'], enabled }));
    },
  });
  registry.add(router, {
    method: 'post', path: `${base}/templates/render`, summary: 'Render an email template with variables', tags, access: 'superadmin', body: renderEmailTemplateRequestSchema,
    responses: { 200: { description: 'Rendered subject and bodies', schema: emailRenderResponseSchema } },
    handler: async (req, res) => {
      requireSuperadmin(res);
      const b = req.body as RenderBody;
      const input = { templateType: b.template_type, variables: b.variables, accountId: b.account_id, locale: b.locale ?? 'en' };
      res.json(await core.mail.previewTemplate({ ...input, subject: b.subject, html_body: b.html_body, text_body: b.text_body }));
    },
  });
  registry.add(router, {
    method: 'get', path: `${base}/templates/:id`, summary: 'Get an email template', tags, access: 'superadmin', responses: { 200: template },
    handler: async (req, res) => {
      requireSuperadmin(res);
      res.json(await core.mail.getTemplate(String(req.params['id'])));
    },
  });
  registry.add(router, {
    method: 'put', path: `${base}/templates/:id`, summary: 'Update an email template', tags, access: 'superadmin', body: updateEmailTemplateRequestSchema, responses: { 200: template },
    handler: async (req, res) => {
      requireSuperadmin(res);
      const { subject, html_body, text_body, enabled } = req.body as TemplatePatch;
      res.json(await core.mail.updateTemplate(contextOf(req, res), String(req.params['id']), { subject, html_body, text_body, enabled }));
    },
  });
  registry.add(router, {
    method: 'post', path: `${base}/templates/:id/test`, summary: 'Send a test email from a template', tags, access: 'superadmin', body: testEmailRequestSchema,
    responses: { 200: { description: 'Handed to the mail provider', schema: emailTestResponseSchema }, 503: { description: 'The mail provider failed or none is configured' } },
    handler: async (req, res) => {
      requireSuperadmin(res);
      const b = req.body as TestBody;
      const stored = await core.mail.getTemplate(String(req.params['id']));
      const result = await sendTest(core, requestIdOf(res), b.recipient_email, stored.id, b.variables);
      res.json({ status: 'success', message: `Test email sent to ${b.recipient_email}`, template_type: stored.template_type, locale: stored.locale, log_id: result.logId });
    },
  });
  registry.add(router, {
    method: 'get', path: `${base}/logs`, summary: 'List email send attempts', tags, access: 'superadmin', query: emailLogListQuerySchema,
    responses: { 200: { description: 'A page of logs, newest first', schema: emailLogListResponseSchema } },
    handler: async (req, res) => {
      requireSuperadmin(res);
      const q = req.query as Query;
      const page = q['page'] ? Number(q['page']) : undefined;
      const pageSize = q['page_size'] ? Number(q['page_size']) : undefined;
      res.json(await core.mail.listLogs({ status: q['status_filter'], templateType: q['template_type'], start: q['start_date'], end: q['end_date'], page, pageSize }));
    },
  });
  registry.add(router, {
    method: 'get', path: `${base}/logs/:id`, summary: 'Get one email send attempt', tags, access: 'superadmin', responses: { 200: { description: 'Email log', schema: emailLogResponseSchema } },
    handler: async (req, res) => {
      requireSuperadmin(res);
      res.json(await core.mail.getLog(String(req.params['id'])));
    },
  });
}
