import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createDatabase, migrateToLatest, type SnackDatabase } from '@snackbase/db';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '@snackbase/testing';
import { createLogger } from '../logging';
import { createJobQueue, type JobQueue } from './create-job-queue';

const logger = createLogger({ level: 'error', format: 'json', silent: true });
const ROOT = join(__dirname, '../../../..');

async function waitFor(check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * A separate worker process that claims jobs of `queue` with a handler that never finishes and
 * prints the id of each job it starts.
 */
function spawnHangingWorker(url: string, queue: string, workerId: string): ChildProcessWithoutNullStreams {
  const script = `
    const { createDatabase } = require(${JSON.stringify(join(ROOT, 'libs/db/src/index'))});
    const { createJobQueue } = require(${JSON.stringify(join(__dirname, 'create-job-queue'))});
    const quiet = { debug() {}, info() {}, warn() {}, error: (m, x) => console.error(m, JSON.stringify(x)) };
    const db = createDatabase({ url: process.argv[1], sqlite: { busyTimeoutMs: 10000 } });
    const jobs = createJobQueue({ db, logger: quiet });
    jobs.register('hang', (job) => { process.stdout.write('started ' + job.id + '\\n'); return new Promise(() => {}); });
    jobs.start({ workerId: process.argv[3], pollIntervalMs: 20, queues: [process.argv[2]] }).catch((e) => { console.error(e); process.exit(1); });`;
  return spawn(process.execPath, ['-r', '@swc-node/register', '-e', script, url, queue, workerId], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.base.json') },
  });
}

/** Resolves with the first job id the child reports as started. */
function firstStarted(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += String(d);
      const m = /started (\S+)\n/.exec(out);
      if (m) resolve(m[1] as string);
    });
    child.stderr.on('data', (d) => (err += String(d)));
    child.on('exit', (code, signal) => reject(new Error(`worker exited (${code ?? signal}) before starting a job: ${err}`)));
  });
}

const killed = (child: ChildProcessWithoutNullStreams) =>
  new Promise<NodeJS.Signals | null>((resolve) => {
    child.once('exit', (_code, signal) => resolve(signal));
    child.kill('SIGKILL');
  });

describe.each(TEST_DIALECTS)('job workers on %s', (dialect) => {
  let t: TestDatabase;
  let db: SnackDatabase;
  const extra: SnackDatabase[] = [];

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    await t.db.destroy();
    db = createDatabase({ url: t.url, sqlite: { busyTimeoutMs: 10_000 } });
    await migrateToLatest(db);
  });
  afterAll(async () => {
    for (const d of extra) await d.close();
    await db.close();
    await t.destroy();
  });

  it('three workers share 200 jobs: each runs exactly once, none is lost', async () => {
    // PostgreSQL: three pools, as three instances would have. SQLite: better-sqlite3 is synchronous,
    // so in-process workers share one handle (other processes are covered by the kill test).
    const handles = dialect === 'postgres' ? [0, 1, 2].map(() => createDatabase({ url: t.url })) : [db, db, db];
    if (dialect === 'postgres') extra.push(...handles);
    const queue = `many-${randomUUID().slice(0, 8)}`;
    const runs = new Map<string, string[]>();
    const workers: JobQueue[] = handles.map((h, i) => {
      const w = createJobQueue({ db: h, logger });
      w.register('record', async (job) => {
        runs.set(job.id, [...(runs.get(job.id) ?? []), `w${i}`]);
        await new Promise((r) => setTimeout(r, Math.random() * 5));
      });
      return w;
    });
    const producer = createJobQueue({ db, logger });
    const ids: string[] = [];
    for (let i = 0; i < 200; i += 50) {
      const batch = await Promise.all(Array.from({ length: 50 }, (_, k) => producer.enqueue(db, { handler: 'record', queue, payload: { n: i + k }, priority: k % 3 })));
      ids.push(...batch.map((j) => j.id));
    }
    await Promise.all(workers.map((w, i) => w.start({ workerId: `worker-${i}`, pollIntervalMs: 10, concurrency: 4, queues: [queue] })));
    try {
      await waitFor(async () => (await producer.list({ queue, status: 'completed', limit: 1 })).total === 200, 60_000);
    } finally {
      await Promise.all(workers.map((w) => w.stop(5000)));
    }
    expect([...runs.keys()].sort()).toEqual([...ids].sort());
    expect([...runs.values()].filter((r) => r.length !== 1)).toEqual([]);
    const rows = await db.kysely.selectFrom('jobs').select(['status', 'attempt_number']).where('queue', '=', queue).execute();
    expect(rows.every((r) => r.status === 'completed' && Number(r.attempt_number) === 1)).toBe(true);
    if (dialect === 'postgres') expect(new Set([...runs.values()].flat()).size).toBe(3);
  }, 90_000);

  it('a job in flight when its worker process is killed runs again, once the lease runs out', async () => {
    const queue = `kill-${randomUUID().slice(0, 8)}`;
    const rescuer = createJobQueue({ db, logger, config: { leaseSeconds: 1, recoverIntervalSeconds: 0.2 } });
    const job = await rescuer.enqueue(db, { handler: 'hang', queue, payload: { order: 42 } });
    const child = spawnHangingWorker(t.url, queue, 'doomed');
    expect(await firstStarted(child)).toBe(job.id);
    expect(await rescuer.get(job.id)).toMatchObject({ status: 'running', locked_by: 'doomed', attempt_number: 1 });
    expect(await killed(child)).toBe('SIGKILL');

    const runs: Array<{ id: string; payload: unknown; at: number }> = [];
    rescuer.register('hang', async (j) => void runs.push({ id: j.id, payload: j.payload, at: Date.now() }));
    const lockedAt = new Date((await rescuer.get(job.id)).locked_at as string).getTime();
    await rescuer.start({ workerId: 'rescuer', pollIntervalMs: 20, queues: [queue] });
    try {
      await waitFor(async () => (await rescuer.get(job.id)).status === 'completed');
    } finally {
      await rescuer.stop();
    }
    expect(runs).toEqual([{ id: job.id, payload: { order: 42 }, at: expect.any(Number) }]);
    expect(runs[0]?.at).toBeGreaterThanOrEqual(lockedAt + 1000);
    expect(await rescuer.get(job.id)).toMatchObject({ status: 'completed', attempt_number: 2, locked_by: null, error_message: null });
  }, 60_000);

  it('a worker restarted under the same id takes its orphaned job back at once', async () => {
    const queue = `restart-${randomUUID().slice(0, 8)}`;
    const again = createJobQueue({ db, logger }); // default lease: 360 s
    const job = await again.enqueue(db, { handler: 'hang', queue });
    const child = spawnHangingWorker(t.url, queue, 'stable-worker');
    expect(await firstStarted(child)).toBe(job.id);
    await killed(child);
    let ran = 0;
    again.register('hang', async () => void ran++);
    await again.start({ workerId: 'stable-worker', pollIntervalMs: 20, queues: [queue] });
    try {
      await waitFor(async () => (await again.get(job.id)).status === 'completed', 10_000);
    } finally {
      await again.stop();
    }
    expect(ran).toBe(1);
  }, 60_000);
});
