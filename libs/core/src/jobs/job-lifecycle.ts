import type { ExpressionBuilder } from 'kysely';
import { nowIso, type GlobalDatabase, type SnackDatabase } from '@snackbase/db';
import { CLAIMABLE_STATUSES, isoFromNow, toJob, type Job } from './job';

type JobsEb = ExpressionBuilder<GlobalDatabase, 'jobs'>;

/** Due, claimable jobs (of the given queues, if any). */
function due(eb: JobsEb, now: string, queues: readonly string[] | undefined) {
  const conditions = [eb('status', 'in', CLAIMABLE_STATUSES), eb.or([eb('run_at', 'is', null), eb('run_at', '<=', now)])];
  if (queues?.length) conditions.push(eb('queue', 'in', queues));
  return eb.and(conditions);
}

/**
 * Atomically takes the next due job for `workerId` (status `running`, lock columns set, attempt
 * counted), or undefined. PostgreSQL: one `UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED)`,
 * so concurrent workers never wait on or take the same row. SQLite: a `BEGIN IMMEDIATE`
 * transaction (writers are serialised) that selects and then conditionally updates.
 */
export async function claimNextJob(db: SnackDatabase, workerId: string, queues?: readonly string[]): Promise<Job | undefined> {
  const now = nowIso();
  const claim = { status: 'running', locked_by: workerId, locked_at: now, started_at: now } as const;
  if (db.dialect === 'postgres') {
    const row = await db.kysely
      .updateTable('jobs')
      .set((eb) => ({ ...claim, attempt_number: eb('attempt_number', '+', 1) }))
      .where('id', '=', (eb) =>
        eb.selectFrom('jobs').select('id').where((w) => due(w, now, queues)).orderBy('priority').orderBy('created_at').orderBy('id').limit(1).forUpdate().skipLocked(),
      )
      .where('status', 'in', CLAIMABLE_STATUSES)
      .returningAll()
      .executeTakeFirst();
    return row ? toJob(row) : undefined;
  }
  return db.transaction(async (trx) => {
    const next = await trx.selectFrom('jobs').select('id').where((w) => due(w, now, queues)).orderBy('priority').orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
    if (!next) return undefined;
    const row = await trx
      .updateTable('jobs')
      .set((eb) => ({ ...claim, attempt_number: eb('attempt_number', '+', 1) }))
      .where('id', '=', next.id)
      .where('status', 'in', CLAIMABLE_STATUSES)
      .returningAll()
      .executeTakeFirst();
    return row ? toJob(row) : undefined;
  });
}

/** Only the attempt this worker holds: a job reclaimed or cancelled meanwhile is left alone. */
function fenced(db: SnackDatabase, job: Job, workerId: string) {
  return db.kysely
    .updateTable('jobs')
    .where('id', '=', job.id)
    .where('status', '=', 'running')
    .where('locked_by', '=', workerId)
    .where('attempt_number', '=', job.attempt_number);
}

/** Marks the attempt completed; false when this worker no longer held it. */
export async function completeJob(db: SnackDatabase, job: Job, workerId: string): Promise<boolean> {
  const result = await fenced(db, job, workerId)
    .set({ status: 'completed', completed_at: nowIso(), locked_by: null, locked_at: null, error_message: null })
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Seconds before the next attempt: `retry_delay_seconds · 2^(attempt−1)`, capped at `maxDelaySeconds` (never below the base delay). */
export function backoffSeconds(job: Pick<Job, 'attempt_number' | 'retry_delay_seconds'>, maxDelaySeconds: number): number {
  const exponent = Math.min(Math.max(job.attempt_number - 1, 0), 30);
  return Math.min(job.retry_delay_seconds * 2 ** exponent, Math.max(maxDelaySeconds, job.retry_delay_seconds));
}

/**
 * Records a failed attempt: `retrying` with backoff while retries remain, else `dead` (at once
 * when `fatal`, e.g. an unknown handler). Returns the new status, or undefined when this worker
 * no longer held the job.
 */
export async function failJob(
  db: SnackDatabase,
  job: Job,
  workerId: string,
  error: string,
  options: { readonly maxDelaySeconds: number; readonly fatal?: boolean },
): Promise<'retrying' | 'dead' | undefined> {
  const dead = options.fatal === true || job.attempt_number > job.max_retries;
  const status = dead ? 'dead' : 'retrying';
  const result = await fenced(db, job, workerId)
    .set({
      status,
      failed_at: nowIso(),
      error_message: error,
      locked_by: null,
      locked_at: null,
      ...(dead ? {} : { run_at: isoFromNow(backoffSeconds(job, options.maxDelaySeconds) * 1000) }),
    })
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? status : undefined;
}

/**
 * Puts `running` jobs whose worker is gone back in the queue: those locked before `lockedBefore`
 * (the lease has run out) and those held by `previousWorkerId` (this worker's previous life).
 * The lost attempt counts, so a job that kills its worker every time ends `dead`. Returns how many.
 */
export async function recoverStaleJobs(db: SnackDatabase, lockedBefore: string, previousWorkerId?: string): Promise<number> {
  const now = nowIso();
  const result = await db.kysely
    .updateTable('jobs')
    .set((eb) => ({
      status: eb.case().when('attempt_number', '>', eb.ref('max_retries')).then('dead').else('retrying').end(),
      error_message: `Worker lost while running the job (lease expired or process stopped)`,
      failed_at: now,
      run_at: now,
      locked_by: null,
      locked_at: null,
    }))
    .where('status', '=', 'running')
    .where((eb) => {
      const stale = [eb('locked_at', '<', lockedBefore), eb('locked_at', 'is', null)];
      if (previousWorkerId) stale.push(eb('locked_by', '=', previousWorkerId));
      return eb.or(stale);
    })
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Hands a job this worker is still running back to the queue at once (graceful stop timed out):
 * same accounting as {@link recoverStaleJobs}.
 */
export async function releaseJob(db: SnackDatabase, job: Job, workerId: string): Promise<void> {
  const now = nowIso();
  await fenced(db, job, workerId)
    .set({
      status: job.attempt_number > job.max_retries ? 'dead' : 'retrying',
      error_message: 'Worker stopped while running the job',
      failed_at: now,
      run_at: now,
      locked_by: null,
      locked_at: null,
    })
    .execute();
}

/** Deletes completed jobs finished before `completedBefore`; returns how many. */
export async function purgeCompletedJobs(db: SnackDatabase, completedBefore: string): Promise<number> {
  const result = await db.kysely.deleteFrom('jobs').where('status', '=', 'completed').where('completed_at', '<', completedBefore).executeTakeFirst();
  return Number(result.numDeletedRows);
}
