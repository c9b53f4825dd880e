#!/usr/bin/env node
// Sums the per-project jest summaries (tools/jest/summary-reporter.cjs) and Playwright's JSON
// report into "N passed, M failed". Exit code 1 when anything failed or nothing ran at all.
// Usage: node tools/ci/summarize-results.mjs <dir> [--failed-steps K]
// K failed CI steps are added to the failures when the reports show fewer than K of them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'dist/test-results';
const stepsAt = process.argv.indexOf('--failed-steps');
const failedSteps = stepsAt > 0 ? Number(process.argv[stepsAt + 1]) || 0 : 0;
let passed = 0;
let failed = 0;
const rows = [];

if (existsSync(dir)) {
  for (const file of readdirSync(dir).sort()) {
    const data = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    if (file.startsWith('jest-')) {
      passed += data.passed;
      failed += data.failed;
      rows.push(`jest ${data.project}: ${data.passed} passed, ${data.failed} failed`);
    } else if (file === 'playwright.json') {
      const s = data.stats ?? {};
      const p = (s.expected ?? 0) + (s.flaky ?? 0);
      const f = (s.unexpected ?? 0) + (data.errors?.length ?? 0);
      passed += p;
      failed += f;
      rows.push(`playwright: ${p} passed, ${f} failed${s.flaky ? ` (${s.flaky} flaky)` : ''}`);
    }
  }
}
for (const r of rows) console.log(r);
if (failed < failedSteps) failed = failedSteps;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
