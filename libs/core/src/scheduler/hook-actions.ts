import type { ApiHookAction } from '@snackbase/contract';
import type { SnackDatabase } from '@snackbase/db';
import type { Mail, MailResult } from '../mail';
import { isSuperadminAccount } from '../auth';
import type { RequestContext } from '../context';
import type { JobQueue } from '../jobs';
import { isReservedJobHandler } from '../jobs/reserved-handlers';
import { safeRequest } from '../outbound';
import type { RecordWrites } from '../records';
import type { WebhookOwner } from '../webhooks';
import { renderTemplates, renderText, type TemplateScope } from './hook-templates';

/** What the actions reach: the queue, mail, record writes and the network. */
export interface ActionDeps {
  readonly db: SnackDatabase;
  readonly jobs: Pick<JobQueue, 'enqueue'>;
  readonly recordWrites: Pick<RecordWrites, 'create' | 'patch' | 'remove'>;
  readonly mail?: Pick<Mail, 'send' | 'sendMessage' | 'getTemplate'>;
  /** Private CIDRs `send_webhook` may reach (already emptied in production). */
  readonly allowPrivate: readonly string[];
  readonly webhookTimeoutMs: number;
}

/** One run's setting: the hook, who it acts as (its creator, or null when gone), the values of templates. */
export interface ActionRun {
  readonly hookId: string;
  readonly hookName: string;
  readonly accountId: string;
  readonly triggerType: string;
  readonly creator: WebhookOwner | null;
  readonly scope: TemplateScope;
  /** This run's nesting depth (1 for a run no other hook run caused). */
  readonly depth: number;
}

const objectOf = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/**
 * Record actions act AS THE HOOK'S CREATOR in the hook's account: their rules apply, and a creator
 * who is gone or deactivated can no longer act (the action fails).
 */
function creatorContext(run: ActionRun): { ctx: RequestContext; accountHeader?: string } {
  const c = run.creator;
  if (!c) throw new Error("The hook's creator no longer exists or is deactivated; record actions cannot run");
  const ctx: RequestContext = {
    principal: { kind: 'user', userId: c.userId, accountId: c.accountId, email: c.email, role: c.role, sessionId: `hook:${run.hookId}`, isSuperadmin: c.isSuperadmin },
    requestId: `hook:${run.hookId}`,
    hookDepth: run.depth,
  };
  // A superadmin creator acts on the hook's account, not the system account.
  return { ctx, accountHeader: c.isSuperadmin ? run.accountId : undefined };
}

async function sendWebhook(deps: ActionDeps, run: ActionRun, action: ApiHookAction): Promise<void> {
  const method = String(action['method'] ?? 'POST').toUpperCase();
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'SnackBase-Hooks' };
  for (const [k, v] of Object.entries(objectOf(action['headers']))) headers[k.toLowerCase()] = renderText(v, run.scope);
  const template = action['body_template'];
  const body =
    template == null
      ? JSON.stringify({ hook_id: run.hookId, hook_name: run.hookName, trigger_type: run.triggerType, record: run.scope.record, timestamp: run.scope.now })
      : typeof template === 'string'
        ? renderText(template, run.scope)
        : JSON.stringify(renderTemplates(template, run.scope));
  const res = await safeRequest(renderText(action['url'], run.scope), {
    method,
    headers,
    body: method === 'GET' ? undefined : body,
    timeoutMs: deps.webhookTimeoutMs,
    allowPrivate: deps.allowPrivate,
  });
  if (res.status < 200 || res.status >= 300) throw new Error(`send_webhook: HTTP ${res.status}`);
}

/**
 * `send_email`: a stored template (`template_id`, the account's own or a system one) or a free-text
 * `subject` + `body`. Both go through the mail module, so the send log and the mailer events
 * apply; a mail that was not sent (no provider configured) fails the action.
 */
async function sendEmail(deps: ActionDeps, run: ActionRun, action: ApiHookAction): Promise<void> {
  const mail = deps.mail;
  if (!mail) throw new Error('mail is not available');
  const to = renderText(action['to'], run.scope);
  let result: MailResult;
  if (action['template_id']) {
    const variables = renderTemplates(objectOf(action['variables']), run.scope) as Record<string, string>;
    const template = await mail.getTemplate(String(action['template_id']));
    if (template.account_id !== run.accountId && !isSuperadminAccount(template.account_id)) throw new Error('template not found');
    result = await mail.send({ to, template: template.template_type, variables, accountId: run.accountId, locale: template.locale, requestId: `hook:${run.hookId}` });
  } else {
    result = await mail.sendMessage({ to, subject: renderText(action['subject'], run.scope), text: renderText(action['body'], run.scope), accountId: run.accountId, kind: 'hook', requestId: `hook:${run.hookId}` });
  }
  if (result.status !== 'sent') throw new Error('no mail provider is configured; the mail was not sent');
}

/** Runs one action; throws with a message naming what failed. */
export async function runAction(deps: ActionDeps, run: ActionRun, action: ApiHookAction): Promise<void> {
  switch (action.type) {
    case 'send_webhook':
      return sendWebhook(deps, run, action);
    case 'enqueue_job': {
      const handler = renderText(action['handler'], run.scope);
      // Checked again after rendering: a template could produce a reserved name from record data.
      if (isReservedJobHandler(handler)) throw new Error(`handler '${handler}' is reserved for the server's own jobs`);
      await deps.jobs.enqueue(deps.db, {
        handler,
        queue: 'default',
        payload: renderTemplates(objectOf(action['payload']), run.scope),
        accountId: run.accountId,
        createdBy: run.creator?.userId ?? null,
      });
      return;
    }
    case 'send_email':
      return sendEmail(deps, run, action);
    case 'create_record': {
      const { ctx, accountHeader } = creatorContext(run);
      await deps.recordWrites.create(ctx, renderText(action['collection'], run.scope), objectOf(renderTemplates(objectOf(action['data']), run.scope)), accountHeader);
      return;
    }
    case 'update_record': {
      const { ctx, accountHeader } = creatorContext(run);
      const data = objectOf(renderTemplates(objectOf(action['data']), run.scope));
      await deps.recordWrites.patch(ctx, renderText(action['collection'], run.scope), renderText(action['record_id'], run.scope), data, accountHeader);
      return;
    }
    case 'delete_record': {
      const { ctx, accountHeader } = creatorContext(run);
      await deps.recordWrites.remove(ctx, renderText(action['collection'], run.scope), renderText(action['record_id'], run.scope), accountHeader);
      return;
    }
    default:
      // Unknown types cannot be saved; a stored one from an older version is skipped (spec §10.11).
      return;
  }
}
