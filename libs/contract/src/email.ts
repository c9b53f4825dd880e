/**
 * Email admin API schemas (spec §10.5; superadmin only, under `/admin/email`). Query values
 * arrive as strings. Unknown keys in request bodies are ignored, as the reference does.
 * Template variables are flat: names to strings, numbers, booleans or null.
 */

const str = (maxLength: number) => ({ type: 'string', maxLength }) as const;
const nullable = { type: ['string', 'null'] } as const;
const email = { type: 'string', minLength: 3, maxLength: 255, pattern: '^[^\\s@,;<>]+@[^\\s@,;<>]+\\.[^\\s@,;<>]+$' } as const;
const variables = {
  type: 'object',
  maxProperties: 100,
  additionalProperties: { type: ['string', 'number', 'boolean', 'null'], maxLength: 10_000 },
  description: 'Template variables; caller values win over the system ones (app_name, app_url, support_email)',
} as const;
const templateText = {
  subject: { type: 'string', minLength: 1, maxLength: 500 },
  html_body: str(200_000),
  text_body: str(200_000),
} as const;

/** `GET /admin/email/templates?template_type&locale&account_id&enabled`. */
export const emailTemplateListQuerySchema = {
  $id: 'EmailTemplateListQuery',
  type: 'object',
  properties: { template_type: str(100), locale: str(10), account_id: str(36), enabled: { enum: ['true', 'false'] } },
} as const;

/** `PUT /admin/email/templates/{id}`: only the given keys change; unknown `{{ variables }}` are a 400. */
export const updateEmailTemplateRequestSchema = {
  $id: 'EmailTemplateUpdate',
  type: 'object',
  properties: { ...templateText, enabled: { type: 'boolean' } },
} as const;

/** `POST /admin/email/templates/render`: stored text, or the given overrides, rendered with `variables` (samples fill the rest). */
export const renderEmailTemplateRequestSchema = {
  $id: 'EmailTemplateRenderRequest',
  type: 'object',
  required: ['template_type'],
  properties: { template_type: { type: 'string', minLength: 1, maxLength: 100 }, variables, locale: str(10), account_id: str(36), ...templateText },
} as const;

/** `POST /admin/email/templates/{id}/test`: `provider` is accepted for SDK compatibility; the configured provider always sends. */
export const testEmailRequestSchema = {
  $id: 'EmailTestRequest',
  type: 'object',
  required: ['recipient_email'],
  properties: { recipient_email: email, variables, provider: { type: ['string', 'null'], maxLength: 50 } },
} as const;

/** `GET /admin/email/logs?status_filter&template_type&start_date&end_date&page&page_size`. */
export const emailLogListQuerySchema = {
  $id: 'EmailLogListQuery',
  type: 'object',
  properties: {
    status_filter: { ...str(20), description: 'sent, failed or skipped' },
    template_type: str(100),
    start_date: { ...str(64), description: 'ISO-8601, inclusive (bad dates are a 422)' },
    end_date: { ...str(64), description: 'ISO-8601, inclusive' },
    page: { type: 'string', pattern: '^[1-9][0-9]{0,6}$' },
    page_size: { type: 'string', pattern: '^([1-9]|[1-9][0-9]|100)$' },
  },
} as const;

const templateShape = {
  type: 'object',
  required: ['id', 'account_id', 'template_type', 'locale', 'subject', 'html_body', 'text_body', 'enabled', 'is_builtin', 'created_at', 'updated_at'],
  properties: {
    id: { type: 'string' },
    account_id: { type: 'string' },
    template_type: { type: 'string' },
    locale: { type: 'string' },
    subject: { type: 'string' },
    html_body: { type: 'string' },
    text_body: { type: 'string' },
    enabled: { type: 'boolean' },
    is_builtin: { type: 'boolean' },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
  },
} as const;

/** One template (EmailTemplateResponse: every column). */
export const emailTemplateResponseSchema = { $id: 'EmailTemplateResponse', ...templateShape } as const;

/** `GET /admin/email/templates` answer: system templates first, then by type and locale. */
export const emailTemplateListResponseSchema = {
  $id: 'EmailTemplateList',
  type: 'array',
  items: templateShape,
} as const;

/** A rendered template: variables are HTML-escaped in `html_body` only. */
export const emailRenderResponseSchema = {
  $id: 'EmailTemplateRenderResponse',
  type: 'object',
  required: ['subject', 'html_body', 'text_body'],
  properties: { subject: { type: 'string' }, html_body: { type: 'string' }, text_body: { type: 'string' } },
} as const;

/** `POST /admin/email/templates/{id}/test` answer; `log_id` names the `email_logs` row. */
export const emailTestResponseSchema = {
  $id: 'EmailTestResponse',
  type: 'object',
  required: ['status', 'message', 'template_type', 'locale'],
  properties: { status: { const: 'success' }, message: { type: 'string' }, template_type: { type: 'string' }, locale: { type: 'string' }, log_id: { type: 'string' } },
} as const;

const logShape = {
  type: 'object',
  required: ['id', 'account_id', 'template_type', 'recipient_email', 'provider', 'status', 'error_message', 'variables', 'sent_at'],
  properties: {
    id: { type: 'string' },
    account_id: nullable,
    template_type: { type: 'string' },
    recipient_email: { type: 'string' },
    provider: { type: 'string' },
    status: { type: 'string' },
    error_message: nullable,
    variables: { type: 'object' },
    sent_at: { type: 'string' },
  },
} as const;

/** One send attempt (EmailLogResponse); token and link variables are stored redacted. */
export const emailLogResponseSchema = { $id: 'EmailLogResponse', ...logShape } as const;

/** `GET /admin/email/logs` answer, newest first. */
export const emailLogListResponseSchema = {
  $id: 'EmailLogListResponse',
  type: 'object',
  required: ['logs', 'total', 'page', 'page_size'],
  properties: { logs: { type: 'array', items: logShape }, total: { type: 'integer' }, page: { type: 'integer' }, page_size: { type: 'integer' } },
} as const;
