import { randomUUID } from 'node:crypto';
import { createDatabase, migrateToLatest, type SnackDatabase } from '@snackbase/db';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '@snackbase/testing';
import { AppError } from '../errors';
import { createLogger } from '../logging';
import { createJobQueue, type JobQueue } from './create-job-queue';
import type { Job } from './job';
import { backoffSeconds } from './job-lifecycle';

const logger = createLogger({ level: 'error', format: 'json', silent: true });
const secondsUntil = (iso: string | null) => (new Date(iso ?? 0).getTime() - Date.now()) / 1000;

describe('backoffSeconds', () => {
  it.each([
    [1, 60, 3600, 60],
    [2, 60, 3600, 120],
    [3, 60, 3600, 240],
    [8, 60, 3600, 3600],
    [50, 60, 3600, 3600],
    [1, 7200, 3600, 7200],
    [3, 0, 3600, 0],
  ])('attempt %i, base %i s, cap %i s → %i s', (attempt, base, cap, expected) => {
    expect(backoffSeconds({ attempt_number: attempt, retry_delay_seconds: base }, cap)).toBe(expected);
  });
});

describe.each(TEST_DIALECTS)('job queue on %s', (dialect) => {
  let t: TestDatabase;
  let db: SnackDatabase;
  let jobs: JobQueue;
  const row = (id: string) => jobs.get(id);
  const makeDue = (id: string) => db.kysely.updateTable('jobs').set({ run_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', id).execute();
  const fresh = () => `q-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    await t.db.destroy();
    db = createDatabase({ url: t.url, sqlite: { busyTimeoutMs: 10_000 } });
    await migrateToLatest(db);
    jobs = createJobQueue({ db, logger, config: { executionTimeoutSeconds: 0.3 } });
  });
  afterAll(async () => {
    await db.close();
    await t.destroy();
  });

  it('runs a job once to completed, handing the handler its parsed payload and a live signal', async () => {
    const queue = fresh();
    const seen: Array<{ payload: unknown; aborted: boolean; status: string }> = [];
    jobs.register('ok', async (job, signal) => void seen.push({ payload: job.payload, aborted: signal.aborted, status: job.status }));
    const job = await jobs.enqueue(db, { handler: 'ok', queue, payload: { to: 'a@b.c', n: [1, 2] } });
    expect(job).toMatchObject({ status: 'pending', attempt_number: 0, max_retries: 3, retry_delay_seconds: 60, priority: 0, account_id: null, payload: { to: 'a@b.c', n: [1, 2] } });
    expect((await jobs.runNext([queue]))?.id).toBe(job.id);
    expect(seen).toEqual([{ payload: { to: 'a@b.c', n: [1, 2] }, aborted: false, status: 'running' }]);
    const done = await row(job.id);
    expect(done).toMatchObject({ status: 'completed', attempt_number: 1, locked_by: null, locked_at: null, error_message: null });
    expect(done.completed_at).toEqual(expect.any(String));
    expect(done.started_at).toEqual(expect.any(String));
    expect(await jobs.runNext([queue])).toBeUndefined();
  });

  it('retries with exponential backoff, then marks the job dead with the message and no stack', async () => {
    const queue = fresh();
    let calls = 0;
    jobs.register('boom', async () => {
      calls++;
      throw new Error(`boom ${calls}`);
    });
    const job = await jobs.enqueue(db, { handler: 'boom', queue, maxRetries: 2, retryDelaySeconds: 10 });
    await jobs.runNext([queue]);
    let r = await row(job.id);
    expect(r).toMatchObject({ status: 'retrying', attempt_number: 1, error_message: 'boom 1', locked_by: null });
    expect(secondsUntil(r.run_at)).toBeGreaterThan(8);
    expect(secondsUntil(r.run_at)).toBeLessThanOrEqual(10);
    expect(await jobs.runNext([queue])).toBeUndefined(); // not due yet

    await makeDue(job.id);
    await jobs.runNext([queue]);
    r = await row(job.id);
    expect(r).toMatchObject({ status: 'retrying', attempt_number: 2, error_message: 'boom 2' });
    expect(secondsUntil(r.run_at)).toBeGreaterThan(18);
    expect(secondsUntil(r.run_at)).toBeLessThanOrEqual(20);

    await makeDue(job.id);
    await jobs.runNext([queue]);
    r = await row(job.id);
    expect(r).toMatchObject({ status: 'dead', attempt_number: 3, error_message: 'boom 3', locked_by: null });
    expect(r.failed_at).toEqual(expect.any(String));
    expect(r.error_message).not.toMatch(/\bat\s/);
    await makeDue(job.id);
    expect(await jobs.runNext([queue])).toBeUndefined();
    expect(calls).toBe(3);
  });

  it('marks a job of an unknown handler dead at once with a clear error', async () => {
    const queue = fresh();
    const job = await jobs.enqueue(db, { handler: 'no_such_handler', queue, maxRetries: 5 });
    await jobs.runNext([queue]);
    const r = await row(job.id);
    expect(r).toMatchObject({ status: 'dead', attempt_number: 1 });
    expect(r.error_message).toMatch(/Unknown job handler 'no_such_handler'/);
  });

  it('aborts an attempt that outlives the execution timeout and counts it as a failure', async () => {
    const queue = fresh();
    let abortedWith: unknown;
    jobs.register('slow', (_job, signal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => ((abortedWith = signal.reason), resolve()))));
    const job = await jobs.enqueue(db, { handler: 'slow', queue });
    const started = Date.now();
    await jobs.runNext([queue]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    const r = await row(job.id);
    expect(r).toMatchObject({ status: 'retrying', attempt_number: 1 });
    expect(r.error_message).toMatch(/exceeded the execution timeout of 0.3 s/);
    expect((abortedWith as Error).name).toBe('JobTimeoutError');
  });

  it('a job enqueued in a transaction exists exactly when the transaction commits', async () => {
    const queue = fresh();
    await expect(
      db.transaction(async (trx) => {
        await jobs.enqueue(trx, { handler: 'ok', queue, payload: { n: 1 } });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect((await jobs.list({ queue })).total).toBe(0);
    const kept = await db.transaction((trx) => jobs.enqueue(trx, { handler: 'ok', queue, payload: { n: 2 } }));
    expect((await jobs.list({ queue })).items.map((j) => j.id)).toEqual([kept.id]);
  });

  it('claims by priority (lower first), then age; skips future and cancelled jobs; filters queues', async () => {
    const queue = fresh();
    const low = await jobs.enqueue(db, { handler: 'ok', queue, priority: 5 });
    const first = await jobs.enqueue(db, { handler: 'ok', queue, priority: -1 });
    const later = await jobs.enqueue(db, { handler: 'ok', queue, priority: -10, runAt: new Date(Date.now() + 60_000) });
    const second = await jobs.enqueue(db, { handler: 'ok', queue, priority: 5 });
    const cancelled = await jobs.enqueue(db, { handler: 'ok', queue, priority: -20 });
    await jobs.cancel(cancelled.id);
    expect(await jobs.claimNext([fresh()])).toBeUndefined();
    const order: string[] = [];
    for (let job = await jobs.claimNext([queue]); job; job = await jobs.claimNext([queue])) order.push(job.id);
    expect(order).toEqual([first.id, low.id, second.id]);
    expect((await row(later.id)).status).toBe('pending');
  });

  it('rejects bad enqueue input before writing anything', async () => {
    const queue = fresh();
    await expect(jobs.enqueue(db, { handler: '', queue })).rejects.toThrow(RangeError);
    await expect(jobs.enqueue(db, { handler: 'ok', queue, maxRetries: -1 })).rejects.toThrow(/maxRetries/);
    await expect(jobs.enqueue(db, { handler: 'ok', queue, priority: 1.5 })).rejects.toThrow(/priority/);
    await expect(jobs.enqueue(db, { handler: 'ok', queue, runAt: new Date('nope') })).rejects.toThrow(/runAt/);
    expect((await jobs.list({ queue })).total).toBe(0);
  });

  describe('retry and cancel', () => {
    const status = (e: unknown) => (e instanceof AppError ? e.status : e);

    it('retry puts a dead job back as new; anything else is a 400, a missing job a 404', async () => {
      const queue = fresh();
      const job = await jobs.enqueue(db, { handler: 'no_such_handler', queue });
      await jobs.runNext([queue]);
      const retried = await jobs.retry(job.id);
      expect(retried).toMatchObject({ status: 'pending', attempt_number: 0, error_message: null, failed_at: null, run_at: null });
      expect(await jobs.retry(job.id).catch(status)).toBe(400);
      expect(await jobs.retry(randomUUID()).catch(status)).toBe(404);
      await db.kysely.updateTable('jobs').set({ status: 'failed' }).where('id', '=', job.id).execute();
      expect((await jobs.retry(job.id)).status).toBe('pending');
    });

    it('cancel stops a pending or retrying job; a running one is a 409, a finished one a 400', async () => {
      const queue = fresh();
      const pending = await jobs.enqueue(db, { handler: 'ok', queue });
      expect((await jobs.cancel(pending.id)).status).toBe('cancelled');
      expect(await jobs.cancel(pending.id).catch(status)).toBe(400);
      expect(await jobs.cancel(randomUUID()).catch(status)).toBe(404);

      const retrying = await jobs.enqueue(db, { handler: 'boom', queue });
      await jobs.runNext([queue]);
      expect((await row(retrying.id)).status).toBe('retrying');
      expect((await jobs.cancel(retrying.id)).status).toBe('cancelled');

      const running = await jobs.enqueue(db, { handler: 'ok', queue });
      const claimed = (await jobs.claimNext([queue])) as Job;
      expect(claimed.id).toBe(running.id);
      const e = await jobs.cancel(running.id).catch((x: unknown) => x);
      expect(e).toMatchObject({ status: 409, code: 'conflict' });
      await jobs.execute(claimed);
      expect((await row(running.id)).status).toBe('completed');
      expect(await jobs.cancel(running.id).catch(status)).toBe(400);
    });
  });

  it('recovers running jobs whose lease ran out (dead once their retries are spent) and leaves live ones alone', async () => {
    const queue = fresh();
    const short = createJobQueue({ db, logger, config: { leaseSeconds: 5 } });
    const [stale, live, spent] = await Promise.all([1, 2, 3].map(() => short.enqueue(db, { handler: 'ok', queue, maxRetries: 1 })));
    for (let i = 0; i < 3; i++) await short.claimNext([queue]);
    const old = new Date(Date.now() - 10_000).toISOString();
    await db.kysely.updateTable('jobs').set({ locked_at: old }).where('id', 'in', [stale.id, spent.id]).execute();
    await db.kysely.updateTable('jobs').set({ attempt_number: 2 }).where('id', '=', spent.id).execute();
    expect(await short.recoverStale()).toBe(2);
    expect(await row(stale.id)).toMatchObject({ status: 'retrying', locked_by: null, error_message: expect.stringMatching(/Worker lost/) });
    expect(await row(live.id)).toMatchObject({ status: 'running', locked_by: short.workerId });
    expect(await row(spent.id)).toMatchObject({ status: 'dead' });
    expect(await short.recoverStale()).toBe(0);
  });

  it('deletes completed jobs past the retention and keeps the rest', async () => {
    const queue = fresh();
    const [oldDone, newDone, oldDead] = await Promise.all([1, 2, 3].map(() => jobs.enqueue(db, { handler: 'ok', queue })));
    const longAgo = new Date(Date.now() - 8 * 86_400_000).toISOString();
    await db.kysely.updateTable('jobs').set({ status: 'completed', completed_at: longAgo }).where('id', '=', oldDone.id).execute();
    await db.kysely.updateTable('jobs').set({ status: 'completed', completed_at: new Date().toISOString() }).where('id', '=', newDone.id).execute();
    await db.kysely.updateTable('jobs').set({ status: 'dead', failed_at: longAgo, completed_at: longAgo }).where('id', '=', oldDead.id).execute();
    expect(await jobs.purgeCompleted()).toBe(1);
    expect((await jobs.list({ queue })).items.map((j) => j.id).sort()).toEqual([newDone.id, oldDead.id].sort());
  });

  it('lists with filters and pages, and counts per status', async () => {
    const queue = fresh();
    for (let i = 0; i < 5; i++) await jobs.enqueue(db, { handler: 'ok', queue });
    await jobs.enqueue(db, { handler: 'other', queue });
    const page = await jobs.list({ queue, handler: 'ok', limit: 2, offset: 1 });
    expect(page.total).toBe(5);
    expect(page.items).toHaveLength(2);
    expect((await jobs.list({ queue, status: 'dead' })).total).toBe(0);
    const stats = await jobs.stats();
    expect(stats).toEqual(
      expect.objectContaining({ pending: expect.any(Number), running: expect.any(Number), completed: expect.any(Number), failed: 0, retrying: expect.any(Number), dead: expect.any(Number) }),
    );
    expect(stats.pending).toBeGreaterThanOrEqual(6);
    expect(stats.failure_rate).toBeCloseTo((stats.failed + stats.dead) / (stats.completed + stats.failed + stats.dead));
    expect(typeof stats.avg_duration_seconds).toBe('number');
  });

  it('start() works jobs with the given concurrency; stop() waits for running ones', async () => {
    const queue = fresh();
    const worker = createJobQueue({ db, logger });
    let inFlight = 0;
    let peak = 0;
    const ran: string[] = [];
    worker.register('count', async (job) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 40));
      ran.push(job.id);
      inFlight--;
    });
    const ids = (await Promise.all(Array.from({ length: 6 }, () => worker.enqueue(db, { handler: 'count', queue })))).map((j) => j.id);
    expect(await worker.start({ workerId: `w-${queue}`, pollIntervalMs: 20, concurrency: 3, queues: [queue] })).toBe(true);
    await waitFor(async () => ran.length === 6);
    const last = await worker.enqueue(db, { handler: 'count', queue });
    await waitFor(async () => (await row(last.id)).status === 'running');
    await worker.stop(5000);
    expect((await row(last.id)).status).toBe('completed');
    expect(ran.sort()).toEqual([...ids, last.id].sort());
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(3);
  });

  it('stop() hands a job that will not finish back to the queue', async () => {
    const queue = fresh();
    const worker = createJobQueue({ db, logger });
    worker.register('hang', () => new Promise<void>(() => undefined));
    const job = await worker.enqueue(db, { handler: 'hang', queue });
    await worker.start({ pollIntervalMs: 20, queues: [queue] });
    await waitFor(async () => (await row(job.id)).status === 'running');
    await worker.stop(100);
    expect(await row(job.id)).toMatchObject({ status: 'retrying', locked_by: null, attempt_number: 1, error_message: 'Worker stopped while running the job' });
  });

  it('start() is a no-op when the worker is disabled, unless forced', async () => {
    const off = createJobQueue({ db, logger, config: { workerEnabled: false } });
    expect(await off.start()).toBe(false);
    expect(await off.start({ force: true, queues: [fresh()] })).toBe(true);
    await off.stop();
  });
});

/** Polls `check` until true (fails after `ms`). */
async function waitFor(check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
