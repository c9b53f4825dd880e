import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type GlobalDatabase, type SnackDatabase } from '@snackbase/db';
import { toJob, type Job } from './job';


let lastCreatedMs = 0;

/**
 * `created_at` breaks ties between jobs of one priority, and ids are random: two jobs enqueued in
 * the same millisecond by this process get distinct, increasing times so they run in the order
 * they were enqueued.
 */
function monotonicNowIso(): string {
  lastCreatedMs = Math.max(Date.now(), lastCreatedMs + 1);
  return new Date(lastCreatedMs).toISOString();
}

/** Where a job is written: the database, or a caller's transaction (`trx`) so it exists exactly when that commits. */
export type JobExecutor = SnackDatabase | Kysely<GlobalDatabase>;

/** What {@link enqueueJob} writes; only `handler` is required. */
export interface EnqueueInput {
  /** Name a worker registered with `JobQueue.register`. */
  readonly handler: string;
  /** JSON-serialisable; shown in the admin API, so never put secrets here. */
  readonly payload?: unknown;
  readonly queue?: string;
  /** Lower runs sooner (default 0). */
  readonly priority?: number;
  /** Not before this time (default: as soon as a worker is free). */
  readonly runAt?: Date;
  /** Retries after the first attempt (default 3). */
  readonly maxRetries?: number;
  /** Base of the exponential backoff (default 60). */
  readonly retryDelaySeconds?: number;
  /** The tenant the job belongs to; omitted for system jobs. */
  readonly accountId?: string | null;
  readonly createdBy?: string | null;
}

function checkInt(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`Job ${name} must be an integer from ${min} to ${max}, got ${value}`);
  return value;
}

function checkName(name: string, value: string, max: number): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) throw new RangeError(`Job ${name} must be a non-empty string of at most ${max} characters`);
  return value;
}

/**
 * Inserts a pending job through `executor`. Pass the `trx` of a `db.transaction(...)` to make
 * the job part of that write (on SQLite, never `db` inside a transaction: its one connection is busy).
 * @example await db.transaction(async (trx) => { await writeOrder(trx); await enqueueJob(trx, { handler: 'send_email', payload: { to } }); });
 */
export async function enqueueJob(executor: JobExecutor, input: EnqueueInput): Promise<Job> {
  const kysely = 'kysely' in executor ? executor.kysely : executor;
  const payload = JSON.stringify(input.payload ?? {});
  if (payload === undefined) throw new TypeError('Job payload must be JSON-serialisable');
  const runAt = input.runAt;
  if (runAt !== undefined && Number.isNaN(runAt.getTime())) throw new RangeError('Job runAt must be a valid date');
  const row = await kysely
    .insertInto('jobs')
    .values({
      id: randomUUID(),
      account_id: input.accountId ?? null,
      queue: checkName('queue', input.queue ?? 'default', 50),
      handler: checkName('handler', input.handler, 100),
      payload,
      status: 'pending',
      priority: checkInt('priority', input.priority ?? 0, -1_000_000, 1_000_000),
      run_at: runAt ? runAt.toISOString() : null,
      attempt_number: 0,
      max_retries: checkInt('maxRetries', input.maxRetries ?? 3, 0, 1000),
      retry_delay_seconds: checkInt('retryDelaySeconds', input.retryDelaySeconds ?? 60, 0, 7 * 86_400),
      created_by: input.createdBy ?? null,
      created_at: monotonicNowIso(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toJob(row);
}
