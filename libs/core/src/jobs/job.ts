import type { Selectable } from 'kysely';
import { fromDbJson, type JobsTable } from '@snackbase/db';

/** Every status a job row can hold; `failed` is accepted from older rows but never written. */
export const JOB_STATUSES = ['pending', 'running', 'completed', 'failed', 'retrying', 'dead', 'cancelled'] as const;

/** One of {@link JOB_STATUSES}. */
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Statuses a worker may claim. */
export const CLAIMABLE_STATUSES: readonly JobStatus[] = ['pending', 'retrying'];

/** One `jobs` row as handlers and the admin API see it (spec §10.12 JobResponse, plus the lock columns). */
export interface Job {
  readonly id: string;
  readonly account_id: string | null;
  readonly queue: string;
  readonly handler: string;
  /** The enqueued payload, parsed back from JSON. */
  readonly payload: unknown;
  readonly status: JobStatus;
  /** Lower runs sooner. */
  readonly priority: number;
  /** Not before this time (also the next retry time); null = as soon as possible. */
  readonly run_at: string | null;
  /** Attempts started so far (the running attempt included). */
  readonly attempt_number: number;
  /** Retries after the first attempt; the job is `dead` once `attempt_number > max_retries` fails. */
  readonly max_retries: number;
  readonly retry_delay_seconds: number;
  readonly locked_by: string | null;
  readonly locked_at: string | null;
  readonly started_at: string | null;
  readonly completed_at: string | null;
  readonly failed_at: string | null;
  readonly error_message: string | null;
  readonly created_by: string | null;
  readonly created_at: string;
}

/** Runs one job; rejecting (or outliving the execution timeout) is a failed attempt. Honour `signal`. */
export type JobHandler = (job: Job, signal: AbortSignal) => Promise<void>;

/** A row read from either dialect as a {@link Job} (JSON payload parsed, counts as numbers). */
export function toJob(row: Selectable<JobsTable>): Job {
  return {
    ...row,
    payload: fromDbJson<unknown>(row.payload, null),
    status: row.status as JobStatus,
    priority: Number(row.priority),
    attempt_number: Number(row.attempt_number),
    max_retries: Number(row.max_retries),
    retry_delay_seconds: Number(row.retry_delay_seconds),
  };
}

/** The text stored in `error_message` for a failure: the message only, never a stack, bounded. */
export function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  return (text || 'Job failed').slice(0, 2000);
}

/** ISO-8601 UTC timestamp `ms` from now (negative = in the past), in the stored format. */
export function isoFromNow(ms: number): string {
  return new Date(Date.now() + ms).toISOString();
}
