import type { Selectable } from 'kysely';
import type { ApiHookAction, ApiHookExecutionResponse, ApiHookExecutionStatus, ApiHookResponse, ApiHookTrigger } from '@snackbase/contract';
import { fromDbBool, fromDbJson, type HookExecutionsTable, type HooksTable } from '@snackbase/db';
import { notFound } from '../errors';
import { describeCron } from './hook-cron';

export type HookRow = Selectable<HooksTable>;
export type HookExecutionRow = Selectable<HookExecutionsTable>;

/** The same answer for "does not exist" and "not yours" (spec §10.11). */
export const hookNotFound = () => notFound('Hook not found');

export const triggerOf = (row: Pick<HookRow, 'trigger'>): ApiHookTrigger => fromDbJson<ApiHookTrigger>(row.trigger, { type: 'manual' }) ?? { type: 'manual' };
export const actionsOf = (row: Pick<HookRow, 'actions'>): ApiHookAction[] => fromDbJson<ApiHookAction[]>(row.actions, []) ?? [];
const time = (v: string | null) => (v === null ? null : String(v));

/** The wire form of a hook (HookResponse of spec §10.11). */
export function toHookResponse(row: HookRow): ApiHookResponse {
  const trigger = triggerOf(row);
  const cron = trigger.type === 'schedule' ? trigger.cron : null;
  return {
    id: row.id,
    account_id: row.account_id,
    name: row.name,
    description: row.description,
    trigger,
    condition: row.condition,
    actions: actionsOf(row),
    enabled: fromDbBool(row.enabled),
    last_run_at: time(row.last_run_at),
    next_run_at: time(row.next_run_at),
    created_at: String(row.created_at),
    updated_at: String(row.updated_at),
    created_by: row.created_by,
    cron,
    cron_description: cron ? describeCron(cron) : null,
  };
}

export function toExecutionResponse(row: HookExecutionRow): ApiHookExecutionResponse {
  return {
    id: row.id,
    hook_id: row.hook_id,
    trigger_type: row.trigger_type,
    status: row.status as ApiHookExecutionStatus,
    actions_executed: Number(row.actions_executed),
    error_message: row.error_message,
    duration_ms: row.duration_ms === null ? null : Number(row.duration_ms),
    execution_context: fromDbJson<unknown>(row.execution_context, null),
    executed_at: String(row.executed_at),
  };
}
