// Shared jest preset: @swc/jest transforms (no type-check; each project has a `typecheck`
// target that runs tsc instead), node environment, and a JSON report per project for .ci/run.
const { join } = require('node:path');
const nxPreset = require('@nx/jest/preset').default;

module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  // Integration specs create a database and hash passwords in beforeAll; on two shared cores
  // that can take longer than jest's 5 s default. Timeouts catch hangs, they do not time work.
  testTimeout: 30_000,
  transform: {
    '^.+\\.[tj]s$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript', decorators: true }, target: 'es2022' },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'html'],
  reporters: ['default', join(__dirname, 'tools/jest/summary-reporter.cjs')],
};
