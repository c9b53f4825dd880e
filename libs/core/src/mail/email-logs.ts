import { randomUUID } from 'node:crypto';
import { fromDbJson, nowIso, type SnackDatabase } from '@snackbase/db';
import { invalidRequest, notFound } from '../errors';
import { redactMailVariables } from './redact-variables';

/** Outcome of one send attempt: `skipped` when no provider is configured. */
export type EmailLogStatus = 'sent' | 'failed' | 'skipped';

/** One `email_logs` row as the admin API shows it (spec §10.5 EmailLogResponse). */
export interface EmailLog {
  readonly id: string;
  readonly account_id: string | null;
  readonly template_type: string;
  readonly recipient_email: string;
  readonly provider: string;
  readonly status: string;
  readonly error_message: string | null;
  readonly variables: Record<string, unknown>;
  readonly sent_at: string;
}

/** What one attempt records; `variables` are redacted before they are written. */
export interface EmailLogInput {
  readonly accountId?: string;
  readonly templateType: string;
  readonly recipient: string;
  readonly provider: string;
  readonly status: EmailLogStatus;
  readonly errorMessage?: string;
  readonly variables: Readonly<Record<string, unknown>>;
}

/** Filters and page of {@link listEmailLogs} (`page` from 1, `pageSize` 1–100, default 25). */
export interface EmailLogQuery {
  readonly status?: string;
  readonly templateType?: string;
  /** ISO-8601 bounds on `sent_at`, inclusive. */
  readonly start?: string;
  readonly end?: string;
  readonly page?: number;
  readonly pageSize?: number;
}

/** Writes one attempt with its variables passed through `redactMailVariables`; returns its id. */
export async function writeEmailLog(db: SnackDatabase, input: EmailLogInput): Promise<string> {
  const id = randomUUID();
  await db.kysely
    .insertInto('email_logs')
    .values({
      id,
      account_id: input.accountId ?? null,
      template_type: input.templateType,
      recipient_email: input.recipient,
      provider: input.provider,
      status: input.status,
      error_message: input.errorMessage ?? null,
      variables: JSON.stringify(redactMailVariables(input.variables)),
      sent_at: nowIso(),
    })
    .execute();
  return id;
}

function isoBound(value: string, field: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw invalidRequest([{ field, message: 'Expected an ISO-8601 date', code: 'invalid_date' }]);
  return date.toISOString();
}

type LogRow = Omit<EmailLog, 'variables'> & { variables: unknown };
const toLog = (row: LogRow): EmailLog => ({ ...row, variables: fromDbJson<Record<string, unknown>>(row.variables, {}) });
const COLUMNS = ['id', 'account_id', 'template_type', 'recipient_email', 'provider', 'status', 'error_message', 'variables', 'sent_at'] as const;

/** A page of logs, newest first: `{ logs, total, page, page_size }` (spec §10.5); a bad date is a 422. */
export async function listEmailLogs(db: SnackDatabase, query: EmailLogQuery = {}): Promise<{ logs: EmailLog[]; total: number; page: number; page_size: number }> {
  const page = Math.max(1, Math.trunc(query.page ?? 1));
  const pageSize = Math.min(100, Math.max(1, Math.trunc(query.pageSize ?? 25)));
  let q = db.kysely.selectFrom('email_logs');
  if (query.status !== undefined) q = q.where('status', '=', query.status);
  if (query.templateType !== undefined) q = q.where('template_type', '=', query.templateType);
  if (query.start !== undefined) q = q.where('sent_at', '>=', isoBound(query.start, 'start_date'));
  if (query.end !== undefined) q = q.where('sent_at', '<=', isoBound(query.end, 'end_date'));
  const count = await q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
  const rows = await q.select(COLUMNS).orderBy('sent_at', 'desc').orderBy('id').limit(pageSize).offset((page - 1) * pageSize).execute();
  return { logs: rows.map(toLog), total: Number(count?.n ?? 0), page, page_size: pageSize };
}

/** One log by id, or 404 `Email log not found: <id>`. */
export async function getEmailLog(db: SnackDatabase, id: string): Promise<EmailLog> {
  const row = await db.kysely.selectFrom('email_logs').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`Email log not found: ${id}`);
  return toLog(row);
}
