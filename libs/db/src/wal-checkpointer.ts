import { Worker } from 'node:worker_threads';

/** How often the background connection copies the write-ahead log into the database file. */
const CHECKPOINT_INTERVAL_MS = 250;

/**
 * WAL frames (pages) past which the worker also restarts the log (16 MB of 4 KB pages). Passive
 * checkpoints copy the log but can never restart it while writes keep coming (a restart needs
 * every frame copied at the moment a write begins), so under sustained writes the log grew
 * without bound: 600 MB in ten seconds of the create benchmark, every commit appending to fresh
 * file space, and the disk filling. A RESTART checkpoint takes the write lock, copies what the
 * passive one just left (frames written meanwhile), waits for readers to leave the log and
 * syncs; the main thread waits for the write lock meanwhile, synchronously (better-sqlite3): a
 * pause of a few milliseconds every 4,096 frames, where SQLite's own automatic checkpoint
 * pauses every 1,000 with all the copying. The worker waits at most 20 ms for the lock and for
 * readers (a restart that never waits never happens under load: the lone connection always
 * holds one or the other); one that gives up is tried again after a doubling delay (250 ms up
 * to 5 s), so a long-lived reader elsewhere cannot make it stall writes over and over.
 */
const RESTART_AFTER_FRAMES = 4096;
const RESTART_WAIT_MS = 20;
const RESTART_BACKOFF_MAX_MS = 5000;

/**
 * The worker: its own connection to the same file, running PASSIVE checkpoints (they never
 * block writers or readers) on a timer. CommonJS source, run with `eval`, so it needs no file of
 * its own next to a bundled server; the driver's path is resolved by the parent.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.filename, { timeout: workerData.busyTimeoutMs });
let timer;
let restartAfter = 0;
let backoff = 0;
const restart = () => {
  db.pragma('busy_timeout = ' + workerData.restartWaitMs);
  try {
    const [state] = db.pragma('wal_checkpoint(RESTART)');
    backoff = state && state.busy ? Math.min(Math.max(backoff * 2, workerData.intervalMs), workerData.restartBackoffMaxMs) : 0;
    restartAfter = Date.now() + backoff;
  } finally { db.pragma('busy_timeout = ' + workerData.busyTimeoutMs); }
};
const tick = () => {
  try {
    const [state] = db.pragma('wal_checkpoint(PASSIVE)');
    if (state && state.log >= workerData.restartAfterFrames && Date.now() >= restartAfter) restart();
  } catch (e) { parentPort.postMessage({ error: String((e && e.message) || e) }); }
  timer = setTimeout(tick, workerData.intervalMs);
};
parentPort.on('message', () => { clearTimeout(timer); db.close(); parentPort.close(); });
timer = setTimeout(tick, workerData.intervalMs);
`;

/** A running background checkpointer; `stop()` closes its connection. */
export interface WalCheckpointer {
  stop(): Promise<void>;
}

/**
 * Moves SQLite's WAL checkpoints off the event loop. A checkpoint copies committed pages into the
 * database file and fsyncs it; with the default automatic checkpoint (every 1,000 pages) it runs
 * inside whichever commit crosses the threshold, on the main thread (better-sqlite3 is
 * synchronous), and every request in flight waits for the fsync. On a busy disk those stalls
 * were most of a write benchmark's time and all of its p99. With this running the caller turns
 * the automatic checkpoint off (`wal_autocheckpoint = 0`) and turns it back on if the worker dies.
 */
export function startWalCheckpointer(filename: string, busyTimeoutMs: number, onFailure: (message: string) => void): WalCheckpointer {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver: require.resolve('better-sqlite3'), filename, busyTimeoutMs, intervalMs: CHECKPOINT_INTERVAL_MS, restartAfterFrames: RESTART_AFTER_FRAMES, restartWaitMs: RESTART_WAIT_MS, restartBackoffMaxMs: RESTART_BACKOFF_MAX_MS },
  });
  worker.unref(); // never what keeps the process alive
  let stopped = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('message', (m: { error?: string }) => m.error && onFailure(m.error));
  worker.on('error', (e) => onFailure(e.message));
  worker.once('exit', () => {
    if (!stopped) onFailure('checkpoint worker exited');
  });
  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      worker.postMessage('stop');
      const timeout = setTimeout(() => void worker.terminate(), 2000);
      await exited;
      clearTimeout(timeout);
    },
  };
}
