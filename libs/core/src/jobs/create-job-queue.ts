import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { SnackDatabase } from '@snackbase/db';
import type { Logger } from '../logging';
import { enqueueJob, type EnqueueInput, type JobExecutor } from './enqueue-job';
import { errorText, isoFromNow, type Job, type JobHandler } from './job';
import { cancelJob, getJob, jobStats, listJobs, retryJob, type JobListQuery, type JobStats } from './job-admin';
import { claimNextJob, completeJob, failJob, purgeCompletedJobs, recoverStaleJobs, releaseJob } from './job-lifecycle';

/**
 * Settings of the queue (spec §10.15 `SNACKBASE_JOB_*`), every one optional with the spec's
 * default. Seconds may be fractional.
 */
export interface JobQueueConfig {
  /** `SNACKBASE_JOB_WORKER_ENABLED` (true): whether `start()` runs a worker in this process. */
  readonly workerEnabled?: boolean;
  /** `SNACKBASE_JOB_WORKER_POLL_INTERVAL` (1 s): idle wait between claims. */
  readonly pollIntervalSeconds?: number;
  /** `SNACKBASE_JOB_EXECUTION_TIMEOUT` (300 s): an attempt running longer is aborted and failed. */
  readonly executionTimeoutSeconds?: number;
  /** `SNACKBASE_JOB_RETENTION_DAYS` (7): completed jobs older than this are deleted. */
  readonly retentionDays?: number;
  /** A `running` job locked longer than this is taken as orphaned (default: execution timeout + 60 s). */
  readonly leaseSeconds?: number;
  /** Cap of the exponential backoff (3600 s). */
  readonly maxRetryDelaySeconds?: number;
  /** How often orphaned jobs are looked for (60 s) and old ones purged (3600 s). */
  readonly recoverIntervalSeconds?: number;
  readonly purgeIntervalSeconds?: number;
  /** How long `stop()` waits for running jobs before handing them back (30 s). */
  readonly stopTimeoutSeconds?: number;
}

/** What {@link createJobQueue} needs. */
export interface JobQueueDeps {
  readonly db: SnackDatabase;
  readonly logger: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
  readonly config?: JobQueueConfig;
}

/** How one worker runs; every field optional. */
export interface JobWorkerOptions {
  /** Stored in `locked_by`; keep it stable across restarts to reclaim this worker's jobs at once. */
  readonly workerId?: string;
  readonly pollIntervalMs?: number;
  /** Jobs run at the same time by this worker (default 1). */
  readonly concurrency?: number;
  /** Only these queues (default: all). */
  readonly queues?: readonly string[];
  /** Start even when `workerEnabled` is false (the `snackbase worker` command). */
  readonly force?: boolean;
}

/** The background job queue of spec §10.12: producers, a worker, and the admin operations. */
export interface JobQueue {
  readonly settings: Readonly<Required<JobQueueConfig>>;
  /** The worker id used by claims (the default until `start` names one). */
  readonly workerId: string;
  /** Writes a pending job through `executor` (`db` or a caller's `trx`). */
  enqueue(executor: JobExecutor, input: EnqueueInput): Promise<Job>;
  /** Names the function that runs jobs of `handler`; registering again replaces it. */
  register(handler: string, fn: JobHandler): void;
  /** Reclaims orphaned jobs, then polls until {@link stop}. Resolves once running; false when disabled. */
  start(options?: JobWorkerOptions): Promise<boolean>;
  /** Stops claiming, waits for running jobs up to `timeoutMs`, then aborts and hands back the rest. */
  stop(timeoutMs?: number): Promise<void>;
  /** Claims the next due job for this worker without running it. */
  claimNext(queues?: readonly string[]): Promise<Job | undefined>;
  /** Claims and runs one job to its outcome (tests, CLI); the job as claimed, or undefined. */
  runNext(queues?: readonly string[]): Promise<Job | undefined>;
  /** Runs a claimed job to completed / retrying / dead. */
  execute(job: Job): Promise<void>;
  /** Puts `running` jobs whose lease ran out back in the queue; returns how many. */
  recoverStale(): Promise<number>;
  /** Deletes completed jobs older than the retention; returns how many. */
  purgeCompleted(): Promise<number>;
  list(query?: JobListQuery): Promise<{ items: Job[]; total: number }>;
  get(id: string): Promise<Job>;
  stats(): Promise<JobStats>;
  retry(id: string): Promise<Job>;
  cancel(id: string): Promise<Job>;
}

/** Thrown into a handler's signal and recorded when an attempt outlives the execution timeout. */
export class JobTimeoutError extends Error {
  override readonly name = 'JobTimeoutError';
}

function withDefaults(c: JobQueueConfig = {}): Required<JobQueueConfig> {
  const executionTimeoutSeconds = c.executionTimeoutSeconds ?? 300;
  return {
    workerEnabled: c.workerEnabled ?? true,
    pollIntervalSeconds: c.pollIntervalSeconds ?? 1,
    executionTimeoutSeconds,
    retentionDays: c.retentionDays ?? 7,
    leaseSeconds: c.leaseSeconds ?? executionTimeoutSeconds + 60,
    maxRetryDelaySeconds: c.maxRetryDelaySeconds ?? 3600,
    recoverIntervalSeconds: c.recoverIntervalSeconds ?? 60,
    purgeIntervalSeconds: c.purgeIntervalSeconds ?? 3600,
    stopTimeoutSeconds: c.stopTimeoutSeconds ?? 30,
  };
}

const defaultWorkerId = () => `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`.slice(-100);

/**
 * A database-backed job queue. Jobs survive restarts: a job in flight when its process dies is
 * `running` with an expired lease, and `recoverStale` (at start and every minute) puts it back.
 * @example
 * const jobs = createJobQueue({ db, logger, config: { executionTimeoutSeconds: 60 } });
 * jobs.register('send_email', async (job, signal) => { await send(job.payload, { signal }); });
 * await jobs.enqueue(trx, { handler: 'send_email', payload: { to } });
 * await jobs.start({ concurrency: 4 });
 */
export function createJobQueue(deps: JobQueueDeps): JobQueue {
  const { db, logger } = deps;
  const settings = withDefaults(deps.config);
  const handlers = new Map<string, JobHandler>();
  const active = new Map<string, { job: Job; controller: AbortController; done: Promise<void> }>();
  let workerId = defaultWorkerId();
  let state: 'idle' | 'running' | 'stopping' = 'idle';
  let loop: Promise<void> | undefined;
  let timers: NodeJS.Timeout[] = [];
  let wake: () => void = () => undefined;

  const nap = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  async function runHandler(fn: JobHandler, job: Job, controller: AbortController): Promise<void> {
    const ms = settings.executionTimeoutSeconds * 1000;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: () => void = () => undefined;
    // Ends the attempt on the timeout or on any abort (stop), even if the handler ignores its signal.
    const aborted = new Promise<never>((_resolve, reject) => {
      onAbort = () => reject(controller.signal.reason);
      controller.signal.addEventListener('abort', onAbort, { once: true });
      timer = setTimeout(() => controller.abort(new JobTimeoutError(`Job exceeded the execution timeout of ${settings.executionTimeoutSeconds} s`)), ms);
    });
    try {
      await Promise.race([Promise.resolve().then(() => fn(job, controller.signal)), aborted]);
    } finally {
      clearTimeout(timer);
      controller.signal.removeEventListener('abort', onAbort);
    }
  }

  async function settle(job: Job, fn: JobHandler | undefined, controller: AbortController): Promise<void> {
    if (!fn) {
      await failJob(db, job, workerId, `Unknown job handler '${job.handler}': no handler of that name is registered`, { maxDelaySeconds: 0, fatal: true });
      logger.error('job dead: unknown handler', { job_id: job.id, handler: job.handler });
      return;
    }
    try {
      await runHandler(fn, job, controller);
    } catch (e) {
      const status = await failJob(db, job, workerId, errorText(e), { maxDelaySeconds: settings.maxRetryDelaySeconds });
      logger.warn('job failed', { job_id: job.id, handler: job.handler, attempt: job.attempt_number, status: status ?? 'reclaimed', error: errorText(e) });
      return;
    }
    if (!(await completeJob(db, job, workerId))) logger.warn('job finished after it was reclaimed; outcome ignored', { job_id: job.id, handler: job.handler });
  }

  async function execute(job: Job): Promise<void> {
    const controller = new AbortController();
    const done = settle(job, handlers.get(job.handler), controller).catch((e: unknown) => {
      // The outcome could not be written (database down): the lease brings the job back.
      logger.error('job outcome not recorded', { job_id: job.id, error: errorText(e) });
    });
    active.set(job.id, { job, controller, done });
    try {
      await done;
    } finally {
      active.delete(job.id);
    }
  }

  async function work(pollMs: number, concurrency: number, queues?: readonly string[]): Promise<void> {
    while (state === 'running') {
      if (active.size >= concurrency) {
        await nap(pollMs);
        continue;
      }
      let job: Job | undefined;
      try {
        job = await claimNextJob(db, workerId, queues);
      } catch (e) {
        logger.warn('job claim failed', { error: errorText(e) });
      }
      if (!job) {
        if (state === 'running') await nap(pollMs);
        continue;
      }
      void execute(job).finally(() => wake());
    }
  }

  async function recoverStale(previousWorkerId?: string): Promise<number> {
    const n = await recoverStaleJobs(db, isoFromNow(-settings.leaseSeconds * 1000), previousWorkerId);
    if (n > 0) logger.warn('orphaned jobs put back in the queue', { count: n });
    return n;
  }

  const purgeCompleted = () => purgeCompletedJobs(db, isoFromNow(-settings.retentionDays * 86_400_000));

  function every(seconds: number, task: () => Promise<unknown>, what: string): void {
    const timer = setInterval(() => void task().catch((e: unknown) => logger.warn(`job ${what} failed`, { error: errorText(e) })), seconds * 1000);
    timer.unref();
    timers.push(timer);
  }

  return {
    settings,
    get workerId() {
      return workerId;
    },
    enqueue: enqueueJob,
    register(handler, fn) {
      handlers.set(handler, fn);
    },
    async start(options = {}) {
      if (state !== 'idle') throw new Error('The job worker is already running');
      if (!settings.workerEnabled && !options.force) return false;
      if (options.workerId) workerId = options.workerId.slice(0, 100);
      state = 'running';
      await recoverStale(workerId).catch((e: unknown) => logger.warn('job recovery failed', { error: errorText(e) }));
      await purgeCompleted().catch((e: unknown) => logger.warn('job purge failed', { error: errorText(e) }));
      every(settings.recoverIntervalSeconds, () => recoverStale(), 'recovery');
      every(settings.purgeIntervalSeconds, purgeCompleted, 'purge');
      const pollMs = options.pollIntervalMs ?? settings.pollIntervalSeconds * 1000;
      loop = work(pollMs, Math.max(1, Math.trunc(options.concurrency ?? 1)), options.queues);
      logger.info('job worker started', { worker_id: workerId, concurrency: options.concurrency ?? 1 });
      return true;
    },
    async stop(timeoutMs = settings.stopTimeoutSeconds * 1000) {
      if (state !== 'running') return;
      state = 'stopping';
      for (const t of timers) clearInterval(t);
      timers = [];
      wake();
      await loop;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
      await Promise.race([Promise.allSettled([...active.values()].map((a) => a.done)), deadline]);
      clearTimeout(timer);
      // Handed back first, so the aborted attempt's own outcome finds the job gone and is ignored.
      const left = [...active.values()];
      for (const { job, controller } of left) {
        await releaseJob(db, job, workerId).catch((e: unknown) => logger.warn('job release failed', { job_id: job.id, error: errorText(e) }));
        controller.abort(new Error('Job worker stopping'));
      }
      await Promise.allSettled(left.map((a) => a.done));
      state = 'idle';
      logger.info('job worker stopped', { worker_id: workerId });
    },
    claimNext: (queues) => claimNextJob(db, workerId, queues),
    async runNext(queues) {
      const job = await claimNextJob(db, workerId, queues);
      if (job) await execute(job);
      return job;
    },
    execute,
    recoverStale: () => recoverStale(),
    purgeCompleted,
    list: (query) => listJobs(db, query),
    get: (id) => getJob(db, id),
    stats: () => jobStats(db),
    retry: (id) => retryJob(db, id),
    cancel: (id) => cancelJob(db, id),
  };
}
