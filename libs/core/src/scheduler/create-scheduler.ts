import type { SnackDatabase } from '@snackbase/db';
import { fromDbBool, nowIso } from '@snackbase/db';
import { allAccounts, tenantTable } from '@snackbase/tenancy';
import type { JobQueue } from '../jobs';
import type { Logger } from '../logging';
import { nextCronRun } from './hook-cron';
import { triggerOf, type HookRow } from './hook-rows';
import { SCHEDULED_HOOK_JOB, SCHEDULED_QUEUE, type ScheduledHookPayload } from './scheduled-job';

/** `SNACKBASE_SCHEDULER_POLL_INTERVAL` of the reference: 30 s. */
export const SCHEDULER_POLL_INTERVAL_MS = 30_000;

export interface SchedulerDeps {
  readonly db: SnackDatabase;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  readonly jobs: Pick<JobQueue, 'enqueue'>;
  readonly pollIntervalMs?: number;
}

/**
 * The cron loop of schedule hooks. Any number of instances may run it on one database: a due
 * hook is CLAIMED by a conditional update of its `next_run_at` (compare-and-set on the value
 * read), so exactly one instance per due time enqueues its `scheduled_hook` job.
 */
export interface Scheduler {
  /** Skips missed runs (recomputes stale `next_run_at`), then ticks every poll interval until {@link stop}. */
  start(): Promise<void>;
  /** One pass: claims every due hook and enqueues its job; resolves with the job count. */
  tick(now?: Date): Promise<number>;
  /** Sets `next_run_at` of enabled schedule hooks whose time is missing or past (missed runs are skipped). */
  recompute(now?: Date): Promise<number>;
  stop(): Promise<void>;
}

const everyAccount = (why: string) => allAccounts(why);

export function createScheduler(deps: SchedulerDeps): Scheduler {
  const { db, logger } = deps;
  const interval = deps.pollIntervalMs ?? SCHEDULER_POLL_INTERVAL_MS;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = true;

  /** Compare-and-set: true only for the one caller whose update found `next_run_at` unchanged. */
  async function claim(hook: HookRow, next: string | null, now: string): Promise<boolean> {
    const result = await tenantTable(db.kysely, everyAccount('scheduler claims a due hook by id'), 'hooks')
      .update({ next_run_at: next, last_run_at: now })
      .where('id', '=', hook.id)
      .where('next_run_at', '=', hook.next_run_at)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async function tick(at = new Date()): Promise<number> {
    const now = at.toISOString();
    const due = await tenantTable(db.kysely, everyAccount('scheduler finds due hooks'), 'hooks')
      .select()
      .selectAll()
      .where('next_run_at', 'is not', null)
      .where('next_run_at', '<=', now)
      .execute();
    let enqueued = 0;
    for (const hook of due) {
      const trigger = triggerOf(hook);
      const cron = trigger.type === 'schedule' && fromDbBool(hook.enabled) ? trigger.cron : null;
      let next: string | null = null;
      try {
        next = cron ? nextCronRun(cron, at) : null;
      } catch (e) {
        logger.warn('schedule hook has an invalid cron expression; unscheduled', { hook_id: hook.id, error: (e as Error).message });
      }
      if (!(await claim(hook, next, now))) continue;
      if (!cron) continue;
      const payload: ScheduledHookPayload = { hook_id: hook.id, account_id: hook.account_id, scheduled_for: String(hook.next_run_at) };
      // The claim is already committed: if this insert failed the run would be lost, so log it loudly.
      try {
        await deps.jobs.enqueue(db, { handler: SCHEDULED_HOOK_JOB, queue: SCHEDULED_QUEUE, payload, accountId: hook.account_id, createdBy: hook.created_by, maxRetries: 0 });
        enqueued++;
      } catch (e) {
        logger.error('scheduled hook claimed but its job could not be enqueued', { hook_id: hook.id, error: (e as Error).message });
      }
    }
    return enqueued;
  }

  async function recompute(at = new Date()): Promise<number> {
    const now = at.toISOString();
    const rows = await tenantTable(db.kysely, everyAccount('scheduler reschedules stale hooks'), 'hooks').select().selectAll().execute();
    let changed = 0;
    for (const hook of rows) {
      const trigger = triggerOf(hook);
      if (trigger.type !== 'schedule' || !fromDbBool(hook.enabled)) continue;
      if (hook.next_run_at !== null && String(hook.next_run_at) > now) continue;
      // Runs missed while no scheduler was up are skipped, not caught up (spec §10.11).
      let next: string | null = null;
      try {
        next = nextCronRun(trigger.cron, at);
      } catch {
        next = null;
      }
      let update = tenantTable(db.kysely, everyAccount('scheduler reschedules stale hooks'), 'hooks').update({ next_run_at: next, updated_at: nowIso() }).where('id', '=', hook.id);
      update = hook.next_run_at === null ? update.where('next_run_at', 'is', null) : update.where('next_run_at', '=', hook.next_run_at);
      if (Number((await update.executeTakeFirst()).numUpdatedRows) === 1) changed++;
    }
    if (changed) logger.info('scheduler skipped missed runs and rescheduled hooks', { hooks: changed });
    return changed;
  }

  const loop = () => {
    if (stopped) return;
    running = tick()
      .catch((e: unknown) => logger.warn('scheduler tick failed', { error: (e as Error).message }))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, interval);
      });
  };

  return {
    tick,
    recompute,
    async start() {
      if (!stopped) return;
      stopped = false;
      await recompute();
      timer = setTimeout(loop, 0);
      logger.info('hook scheduler started', { poll_interval_ms: interval });
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
