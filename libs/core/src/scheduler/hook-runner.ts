import { randomUUID } from 'node:crypto';
import type { ApiHookExecutionStatus } from '@snackbase/contract';
import { nowIso } from '@snackbase/db';
import { accountScope, tenantTable } from '@snackbase/tenancy';
import type { Logger } from '../logging';
import { loadOwner } from '../webhooks/webhook-owner';
import { runAction, type ActionDeps } from './hook-actions';
import { actionsOf, type HookRow } from './hook-rows';

/**
 * How deep hook runs may nest: a record action fires record events, which may run hooks, whose
 * record actions fire events… The depth travels explicitly (a run's record actions carry it in
 * their RequestContext, their events pass it on), so a chain stops here however it loops back
 * (a hook that updates the records it listens to).
 */
export const MAX_HOOK_DEPTH = 5;

/** What started a run and what its templates see. */
export interface RunInput {
  readonly triggerType: 'schedule' | 'event' | 'manual';
  readonly record?: Readonly<Record<string, unknown>>;
  /** The user who caused the event; the hook's creator when absent. */
  readonly actor?: { readonly userId: string; readonly email: string } | null;
  readonly context?: Readonly<Record<string, unknown>>;
  /** The depth of the run whose record action caused this one; absent when none did. */
  readonly depth?: number;
  /** The request whose event started the run, for its log lines. */
  readonly requestId?: string;
}

export interface RunResult {
  readonly status: ApiHookExecutionStatus;
  readonly actionsExecuted: number;
  readonly error: string | null;
}

export interface HookRunner {
  /** Runs the hook's actions in order (first failure stops), logs the execution, sets `last_run_at`. Never throws for action failures. */
  run(hook: HookRow, input: RunInput): Promise<RunResult | undefined>;
}

export function createHookRunner(deps: ActionDeps & { readonly logger: Logger }): HookRunner {
  return {
    async run(hook, input) {
      const level = input.depth ?? 0;
      if (level >= MAX_HOOK_DEPTH) {
        deps.logger.warn('hook not run: nesting depth limit reached', { request_id: input.requestId, hook_id: hook.id, depth: level });
        return undefined;
      }
      const started = Date.now();
      const creator = await loadOwner(deps.db.kysely, hook.created_by);
      const actor = input.actor ?? (creator ? { userId: creator.userId, email: creator.email } : null);
      const run = {
        hookId: hook.id,
        hookName: hook.name,
        accountId: hook.account_id,
        triggerType: input.triggerType,
        creator,
        scope: { record: input.record ?? {}, auth: { user_id: actor?.userId ?? null, email: actor?.email ?? null }, now: nowIso() },
        depth: level + 1,
      };
      const actions = actionsOf(hook);
      let executed = 0;
      let error: string | null = null;
      for (const action of actions) {
        try {
          await runAction(deps, run, action);
          executed++;
        } catch (e) {
          error = `${action.type}: ${(e as Error).message}`;
          break;
        }
      }
      const status: ApiHookExecutionStatus = error === null ? 'success' : executed > 0 ? 'partial' : 'failed';
      const now = nowIso();
      const scope = accountScope(hook.account_id);
      await tenantTable(deps.db.kysely, scope, 'hook_executions')
        .insert({
          id: randomUUID(),
          hook_id: hook.id,
          trigger_type: input.triggerType,
          status,
          actions_executed: executed,
          error_message: error,
          duration_ms: Date.now() - started,
          execution_context: JSON.stringify({ ...input.context, record_id: input.record?.['id'] ?? null, depth: level + 1 }),
          executed_at: now,
        })
        .execute();
      // Schedule hooks got last_run_at when claimed; event and manual runs record it here.
      if (input.triggerType !== 'schedule') await tenantTable(deps.db.kysely, scope, 'hooks').update({ last_run_at: now }).where('id', '=', hook.id).execute();
      if (error) deps.logger.warn('hook action failed', { request_id: input.requestId, hook_id: hook.id, status, error });
      return { status, actionsExecuted: executed, error };
    },
  };
}
