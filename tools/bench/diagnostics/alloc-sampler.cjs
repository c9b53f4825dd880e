// Preloaded into a benchmarked server (`--require`): V8's sampling heap profiler, counting
// objects that were already collected too (what a request allocates, not what stays), so GC work
// can be traced to the functions that cause it. Written to $BENCH_ALLOC_OUT on SIGTERM; summarise
// with `node tools/bench/diagnostics/profile-summary.mjs <file>.heapprofile`.
'use strict';
if (!require('node:worker_threads').isMainThread) return;
const fs = require('node:fs');
const inspector = require('node:inspector');

const session = new inspector.Session();
session.connect();
session.post('HeapProfiler.enable');
session.post('HeapProfiler.startSampling', { samplingInterval: 8192, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
process.on('SIGTERM', () => {
  session.post('HeapProfiler.stopSampling', (err, result) => {
    if (!err) fs.writeFileSync(process.env.BENCH_ALLOC_OUT ?? `alloc-${process.pid}.heapprofile`, JSON.stringify(result.profile));
    process.exit(0);
  });
});
