#!/usr/bin/env node
// Summarises a V8 profile as shares by package/file and by function:
//   node profile-summary.mjs <file>.cpuprofile [top] [--from-end S] [--to-end S]
//     self CPU time; --from-end/--to-end keep the samples between S seconds before the profile
//     ended (e.g. our server's measured run in records-bench: --from-end 25 --to-end 13).
//   node profile-summary.mjs <file>.heapprofile [top]
//     allocated bytes (from alloc-sampler.cjs).
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const flag = (name) => { const i = args.indexOf(name); return i >= 0 ? Number(args.splice(i, 2)[1]) : undefined; };
const fromEnd = flag('--from-end');
const toEnd = flag('--to-end');
const [file, top = '40'] = args;
if (!file) {
  console.error('usage: profile-summary.mjs <file.cpuprofile|file.heapprofile> [top] [--from-end S] [--to-end S]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byFunction = new Map();
const byPackage = new Map();
let total = 0;

function add(callFrame, amount) {
  total += amount;
  const url = callFrame.url.replace(/.*node_modules\//, 'nm:').replace(/.*\/dist\//, 'dist:');
  const fn = `${callFrame.functionName || '(anonymous)'} ${url}:${callFrame.lineNumber}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + amount);
  const pkg = url.startsWith('nm:') ? url.split('/').slice(0, url.startsWith('nm:@') ? 2 : 1).join('/') : url || callFrame.functionName;
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + amount);
}

if (file.endsWith('.heapprofile')) {
  (function walk(node) {
    add(node.callFrame, node.selfSize);
    for (const child of node.children) walk(child);
  })(profile.head);
  console.log(`allocated: ${(total / 1048576).toFixed(1)} MB (sampled)`);
} else {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const lo = fromEnd === undefined ? -Infinity : profile.endTime - fromEnd * 1e6;
  const hi = toEnd === undefined ? Infinity : profile.endTime - toEnd * 1e6;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at >= lo && at <= hi) add(nodes.get(id).callFrame, delta);
  });
  console.log(`CPU: ${(total / 1000).toFixed(0)} ms sampled`);
}
const show = (title, map) => {
  console.log(`--- ${title}`);
  for (const [k, v] of [...map].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) console.log(`${((100 * v) / total).toFixed(1).padStart(5)} % ${k}`);
};
show('by package or file', byPackage);
show('by function', byFunction);
