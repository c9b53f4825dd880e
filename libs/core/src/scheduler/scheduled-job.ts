import { SCHEDULED_HOOK_JOB } from '../jobs/reserved-handlers';

/** The job handler and queue that run a schedule hook's actions (spec §10.11, §10.12). */
export { SCHEDULED_HOOK_JOB };
export const SCHEDULED_QUEUE = 'scheduled';

/** Payload of a `scheduled_hook` job. */
export interface ScheduledHookPayload {
  readonly hook_id: string;
  readonly account_id: string;
  /** The `next_run_at` the run was claimed for (or the trigger time of a manual run). */
  readonly scheduled_for: string;
  /** Set by `POST /hooks/{id}/trigger`: runs even when the hook is disabled. */
  readonly manual?: boolean;
}
