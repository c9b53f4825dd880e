import { Worker } from 'node:worker_threads';

/** How often the background connection copies the write-ahead log into the database file. */
const CHECKPOINT_INTERVAL_MS = 250;

/**
 * WAL frames (pages) past which the worker also restarts the log (16 MB of 4 KB pages). Passive
 * checkpoints copy the log but can never restart it while writes keep coming (a restart needs
 * every frame copied at the moment a write begins), so under sustained writes the log grew
 * without bound: 600 MB in ten seconds of the create benchmark, every commit appending to fresh
 * file space, and the disk filling. A RESTART checkpoint briefly holds new writers back while
 * it copies what the last passive one left and syncs; the next write then starts the log over.
 */
const RESTART_AFTER_FRAMES = 4096;

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
const tick = () => {
  try {
    const [state] = db.pragma('wal_checkpoint(PASSIVE)');
    if (state && state.log >= workerData.restartAfterFrames) db.pragma('wal_checkpoint(RESTART)');
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
    workerData: { driver: require.resolve('better-sqlite3'), filename, busyTimeoutMs, intervalMs: CHECKPOINT_INTERVAL_MS, restartAfterFrames: RESTART_AFTER_FRAMES },
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
