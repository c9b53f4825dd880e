// Preloaded into a benchmarked server (`--require`, see records-bench.mjs --stats): measures what
// autocannon cannot see from outside, per scenario. SIGUSR2 starts a measurement (after the
// warm-up), SIGHUP appends one JSON line to $BENCH_STATS_OUT:
//   in-server time per request (from the request event to `finish`: p50/p99/max, ms),
//   event-loop delay (p50/p99/max, ms), GC pauses by kind (count, total and longest, ms),
//   and peak RSS / heap (MB, sampled every 50 ms) with the heap spaces at that peak.
// Queueing before a request is parsed shows as autocannon's latency minus the in-server time.
'use strict';
if (!require('node:worker_threads').isMainThread) return;
const fs = require('node:fs');
const http = require('node:http');
const v8 = require('node:v8');
const { createHistogram, monitorEventLoopDelay, PerformanceObserver } = require('node:perf_hooks');

const GC_KINDS = { 1: 'scavenge', 2: 'mark-compact-minor', 4: 'mark-compact', 8: 'incremental', 16: 'weak-callbacks' };
const MB = 1024 * 1024;
const requests = createHistogram();
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
let gc = {};
let peak = { rss: 0 };

function reset() {
  requests.reset();
  loopDelay.reset();
  gc = {};
  peak = { rss: 0 };
}

loopDelay.enable();
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = GC_KINDS[entry.detail?.kind] ?? String(entry.detail?.kind);
    const k = (gc[kind] ??= { count: 0, total_ms: 0, max_ms: 0 });
    k.count++;
    k.total_ms += entry.duration;
    k.max_ms = Math.max(k.max_ms, entry.duration);
  }
}).observe({ entryTypes: ['gc'] });

setInterval(() => {
  const m = process.memoryUsage();
  if (m.rss <= peak.rss) return;
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, Math.round(s.space_size / MB)]));
  peak = { rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external, spaces };
}, 50).unref();

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, req, res) {
  if (event === 'request') {
    const started = process.hrtime.bigint();
    res.once('finish', () => requests.record(Number(process.hrtime.bigint() - started) || 1));
  }
  return emit.apply(this, arguments);
};

const ms = (ns) => Math.round(ns / 1e4) / 100;
function line() {
  const round = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, { ...v, total_ms: Math.round(v.total_ms), max_ms: Math.round(v.max_ms * 10) / 10 }]));
  return {
    pid: process.pid,
    requests: requests.count,
    in_server_ms: { p50: ms(requests.percentile(50)), p99: ms(requests.percentile(99)), max: ms(requests.max) },
    loop_delay_ms: { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) },
    gc: round(gc),
    peak_mb: { rss: Math.round(peak.rss / MB), heap_total: Math.round((peak.heapTotal ?? 0) / MB), heap_used: Math.round((peak.heapUsed ?? 0) / MB), spaces: peak.spaces },
  };
}

process.on('SIGUSR2', reset);
process.on('SIGHUP', () => fs.appendFileSync(process.env.BENCH_STATS_OUT ?? 'server-stats.jsonl', `${JSON.stringify(line())}\n`));
