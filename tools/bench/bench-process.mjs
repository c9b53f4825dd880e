// What both benchmarks need to run a server process on loopback and measure it.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** A TCP port free on 127.0.0.1 right now (the OS picks it). */
export const freePort = () => new Promise((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); }); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resolves once `url` answers 2xx, polling every 100 ms; throws after `timeoutMs`. */
export async function waitFor(url, timeoutMs) {
  for (let i = 0; i < timeoutMs / 100; i++) {
    try { if ((await fetch(url)).ok) return; } catch { /* not up yet */ }
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${url}`);
}

/** Resident memory of process `pid` in MiB (Linux /proc); NaN where it cannot be read. */
export function rssOf(pid) {
  try { return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024; } catch { return NaN; }
}

/**
 * CPU time (user + system) process `pid` has used so far, in ms (Linux /proc; clock ticks of
 * 10 ms). CPU per request is steadier than requests/s on a busy machine, where wall-clock
 * throughput also measures everyone else's load.
 */
export function cpuMsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime (fields 14, 15 of stat)
  } catch {
    return NaN;
  }
}
