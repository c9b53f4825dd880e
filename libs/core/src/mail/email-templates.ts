import { fromDbBool, nowIso, type SnackDatabase } from '@snackbase/db';
import type { ErrorDetail } from '@snackbase/contract';
import { SYSTEM_ACCOUNT_ID } from '../accounts';
import type { AuditRecorder } from '../audit';
import type { RequestContext } from '../context';
import { notFound, validationFailed } from '../errors';
import { unknownPlaceholders } from './render-template';
import { allowedVariables } from './template-variables';

/** One `email_templates` row as the admin API shows it (spec §10.5 EmailTemplateResponse). */
export interface EmailTemplate {
  readonly id: string;
  readonly account_id: string;
  readonly template_type: string;
  readonly locale: string;
  readonly subject: string;
  readonly html_body: string;
  readonly text_body: string;
  readonly enabled: boolean;
  readonly is_builtin: boolean;
  readonly created_at: string;
  readonly updated_at: string;
}

/** Filters of {@link listTemplates}; each one narrows when given. */
export interface TemplateFilter {
  readonly templateType?: string;
  readonly locale?: string;
  readonly accountId?: string;
  readonly enabled?: boolean;
}

/** What {@link updateTemplate} may change. */
export interface TemplatePatch {
  readonly subject?: string;
  readonly html_body?: string;
  readonly text_body?: string;
  readonly enabled?: boolean;
}

const COLUMNS = ['id', 'account_id', 'template_type', 'locale', 'subject', 'html_body', 'text_body', 'enabled', 'is_builtin', 'created_at', 'updated_at'] as const;

function toTemplate(row: Omit<EmailTemplate, 'enabled' | 'is_builtin'> & { enabled: unknown; is_builtin: unknown }): EmailTemplate {
  return { ...row, enabled: fromDbBool(row.enabled), is_builtin: fromDbBool(row.is_builtin) };
}

/** Templates of every account (system ones included), system first, then by type and locale. */
export async function listTemplates(db: SnackDatabase, filter: TemplateFilter = {}): Promise<EmailTemplate[]> {
  let q = db.kysely.selectFrom('email_templates').select(COLUMNS);
  if (filter.templateType !== undefined) q = q.where('template_type', '=', filter.templateType);
  if (filter.locale !== undefined) q = q.where('locale', '=', filter.locale);
  if (filter.accountId !== undefined) q = q.where('account_id', '=', filter.accountId);
  if (filter.enabled !== undefined) q = q.where('enabled', '=', filter.enabled);
  const rows = await q.orderBy('account_id').orderBy('template_type').orderBy('locale').execute();
  return rows.map(toTemplate);
}

/** One template by id, or 404 `Email template not found: <id>`. */
export async function getTemplate(db: SnackDatabase, id: string): Promise<EmailTemplate> {
  const row = await db.kysely.selectFrom('email_templates').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`Email template not found: ${id}`);
  return toTemplate(row);
}

/**
 * The template a mail of `type` uses: the account's enabled one, else the system's enabled
 * one; 404 when neither exists.
 */
export async function findTemplate(db: SnackDatabase, type: string, accountId?: string, locale = 'en'): Promise<EmailTemplate> {
  const owners = accountId && accountId !== SYSTEM_ACCOUNT_ID ? [accountId, SYSTEM_ACCOUNT_ID] : [SYSTEM_ACCOUNT_ID];
  const rows = await db.kysely
    .selectFrom('email_templates')
    .select(COLUMNS)
    .where('template_type', '=', type)
    .where('locale', '=', locale)
    .where('enabled', '=', true)
    .where('account_id', 'in', owners)
    .execute();
  const row = rows.find((r) => r.account_id === owners[0]) ?? rows[0];
  if (!row) throw notFound(`Email template not found: ${type} (${locale})`);
  return toTemplate(row);
}

/**
 * Refuses template text that uses anything but the variables its type allows: a 400
 * `validation_failed` naming every unknown variable, one detail per field and variable.
 */
export function checkTemplateText(type: string, text: Omit<TemplatePatch, 'enabled'>): void {
  const allowed = allowedVariables(type);
  const details: ErrorDetail[] = [];
  for (const field of ['subject', 'html_body', 'text_body'] as const) {
    const value = text[field];
    if (value === undefined) continue;
    if (field === 'subject' && !value.trim()) details.push({ field, message: 'Subject must not be empty', code: 'required' });
    for (const name of unknownPlaceholders(value, allowed)) details.push({ field, message: `Unknown template variable ${name}`, code: 'unknown_variable' });
  }
  if (!details.length) return;
  const unknown = [...new Set(details.filter((d) => d.code === 'unknown_variable').map((d) => d.message.replace('Unknown template variable ', '')))];
  const message = unknown.length ? `Unknown template variables: ${unknown.join(', ')}. Allowed: ${allowed.join(', ')}` : 'Template validation failed';
  throw validationFailed(details, message);
}

/** What {@link updateTemplate} writes with: every template change is audited in its transaction. */
export interface TemplateWriteDeps {
  readonly db: SnackDatabase;
  readonly audit: AuditRecorder;
}

/**
 * Changes subject, bodies or `enabled` of one template after {@link checkTemplateText}, and
 * audits the change (an UPDATE of `email_templates` by the caller of `ctx`, which also fires
 * the `model.*update` events) in the same transaction. 404 for an unknown id.
 * @example await updateTemplate(ctx, { db, audit }, id, { subject: 'Welcome to {{app_name}}' });
 */
export async function updateTemplate(ctx: RequestContext, deps: TemplateWriteDeps, id: string, patch: TemplatePatch): Promise<EmailTemplate> {
  const { db, audit } = deps;
  const current = await getTemplate(db, id);
  checkTemplateText(current.template_type, patch);
  const changes = {
    ...(patch.subject !== undefined ? { subject: patch.subject } : {}),
    ...(patch.html_body !== undefined ? { html_body: patch.html_body } : {}),
    ...(patch.text_body !== undefined ? { text_body: patch.text_body } : {}),
    ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
  };
  const after = { ...changes, updated_at: nowIso() };
  await db.transaction(async (trx) => {
    // Re-read inside the transaction: the audited "before" must be the row this write replaces.
    const stored = await trx.selectFrom('email_templates').select(COLUMNS).where('id', '=', id).executeTakeFirst();
    if (!stored) throw notFound(`Email template not found: ${id}`);
    await trx.updateTable('email_templates').set(after).where('id', '=', id).execute();
    await audit.record(trx, ctx, { operation: 'UPDATE', table: 'email_templates', recordId: id, before: { ...toTemplate(stored) }, after });
  });
  return getTemplate(db, id);
}
