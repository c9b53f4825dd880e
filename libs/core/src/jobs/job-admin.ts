import { sql } from 'kysely';
import type { SnackDatabase } from '@snackbase/db';
import { badRequest, conflict, notFound } from '../errors';
import { CLAIMABLE_STATUSES, JOB_STATUSES, toJob, type Job, type JobStatus } from './job';

/** Largest page of {@link listJobs} (spec §10.12: limit ≤ 200, default 50). */
export const JOBS_MAX_LIMIT = 200;
export const JOBS_DEFAULT_LIMIT = 50;

/** Filters and page of {@link listJobs}. */
export interface JobListQuery {
  readonly status?: JobStatus;
  readonly queue?: string;
  readonly handler?: string;
  readonly limit?: number;
  readonly offset?: number;
}

/** `GET /admin/jobs/stats`: jobs per status, mean run time of completed jobs, and the failure rate. */
export type JobStats = Record<JobStatus, number> & {
  readonly avg_duration_seconds: number | null;
  /** `(failed + dead) / (completed + failed + dead)`, null before any job finished. */
  readonly failure_rate: number | null;
};

const NOT_FOUND = 'Job not found';

/** A page of jobs, newest first, with the total matching the filters. */
export async function listJobs(db: SnackDatabase, query: JobListQuery = {}): Promise<{ items: Job[]; total: number }> {
  const limit = Math.min(JOBS_MAX_LIMIT, Math.max(1, Math.trunc(query.limit ?? JOBS_DEFAULT_LIMIT)));
  const offset = Math.max(0, Math.trunc(query.offset ?? 0));
  let q = db.kysely.selectFrom('jobs');
  if (query.status !== undefined) q = q.where('status', '=', query.status);
  if (query.queue !== undefined) q = q.where('queue', '=', query.queue);
  if (query.handler !== undefined) q = q.where('handler', '=', query.handler);
  const [rows, count] = await Promise.all([
    q.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toJob), total: Number(count.n) };
}

/** One job, or a 404. */
export async function getJob(db: SnackDatabase, id: string): Promise<Job> {
  const row = await db.kysely.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(NOT_FOUND);
  return toJob(row);
}

/** Counts per status (every status present, zero when none) plus duration and failure rate. */
export async function jobStats(db: SnackDatabase): Promise<JobStats> {
  const seconds =
    db.dialect === 'postgres'
      ? sql<number | string | null>`avg(extract(epoch from (completed_at - started_at)))`
      : sql<number | null>`avg((julianday(completed_at) - julianday(started_at)) * 86400.0)`;
  const [rows, avg] = await Promise.all([
    db.kysely.selectFrom('jobs').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute(),
    db.kysely.selectFrom('jobs').select(seconds.as('s')).where('status', '=', 'completed').where('started_at', 'is not', null).executeTakeFirst(),
  ]);
  const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
  for (const row of rows) if (row.status in counts) counts[row.status as JobStatus] = Number(row.n);
  const finished = counts.completed + counts.failed + counts.dead;
  const mean = avg?.s === null || avg?.s === undefined ? null : Number(avg.s);
  return {
    ...counts,
    avg_duration_seconds: mean === null || Number.isNaN(mean) ? null : Math.round(mean * 1000) / 1000,
    failure_rate: finished === 0 ? null : (counts.failed + counts.dead) / finished,
  };
}

/** Why a transition was refused: 404 when the job is missing, 409 while it runs, else 400. */
async function refuse(db: SnackDatabase, id: string, action: string, allowed: string): Promise<never> {
  const row = await db.kysely.selectFrom('jobs').select('status').where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(NOT_FOUND);
  if (row.status === 'running') throw conflict(`Job is running and cannot be ${action}`);
  throw badRequest(`Only ${allowed} jobs can be ${action}; this job is ${row.status}`);
}

/** Puts a `dead` or `failed` job back in the queue as new (attempts reset, error cleared). */
export async function retryJob(db: SnackDatabase, id: string): Promise<Job> {
  const row = await db.kysely
    .updateTable('jobs')
    .set({ status: 'pending', attempt_number: 0, error_message: null, run_at: null, failed_at: null, completed_at: null, started_at: null, locked_by: null, locked_at: null })
    .where('id', '=', id)
    .where('status', 'in', ['dead', 'failed'])
    .returningAll()
    .executeTakeFirst();
  return row ? toJob(row) : refuse(db, id, 'retried', 'dead or failed');
}

/**
 * Cancels a job that has not started: `pending` or `retrying` → `cancelled`, atomically against a
 * worker claiming it. A running job is a 409 (it cannot be stopped from here); a finished one a 400.
 */
export async function cancelJob(db: SnackDatabase, id: string): Promise<Job> {
  const row = await db.kysely
    .updateTable('jobs')
    .set({ status: 'cancelled', locked_by: null, locked_at: null })
    .where('id', '=', id)
    .where('status', 'in', CLAIMABLE_STATUSES)
    .returningAll()
    .executeTakeFirst();
  return row ? toJob(row) : refuse(db, id, 'cancelled', 'pending or retrying');
}
