// Writes each jest project's counts to dist/test-results/jest-<project>.json, which .ci/run
// sums into its one "N passed, M failed" line. A suite that failed to run (compile error,
// failing beforeAll) counts as one failure, so it can never vanish from the total.
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

class SummaryReporter {
  constructor(globalConfig, options) {
    this.name = (options && options.name) || 'jest';
  }

  onRunComplete(_contexts, results) {
    const brokenSuites = results.testResults.filter((r) => r.testExecError || (r.failureMessage && r.numFailingTests === 0)).length;
    const dir = join(__dirname, '..', '..', 'dist', 'test-results');
    mkdirSync(dir, { recursive: true });
    const project = results.testResults[0]?.displayName?.name ?? this.name;
    writeFileSync(
      join(dir, `jest-${project}.json`),
      JSON.stringify({ project, passed: results.numPassedTests, failed: results.numFailedTests + brokenSuites, skipped: results.numPendingTests + results.numTodoTests }),
    );
  }
}

module.exports = SummaryReporter;
