import nx from '@nx/eslint-plugin';

// Node built-ins and drivers that browser-safe ("pure") libraries must never import.
const nodeBuiltins = [
  'node:*', 'fs', 'path', 'os', 'crypto', 'http', 'https', 'net', 'tls', 'dns', 'child_process',
  'worker_threads', 'stream', 'zlib', 'url', 'util', 'events', 'buffer',
];
const drivers = ['pg', 'better-sqlite3'];


/**
 * The tag table of ARCHITECTURE.md, in both dimensions. `forSpecs` lets test files import
 * libs/testing and drivers (they set up real databases), and nothing else changes.
 */
function boundaries(forSpecs) {
  const test = forSpecs ? ['type:test'] : [];
  const banned = (list) => (forSpecs ? [] : list);
  return {
    enforceBuildableLibDependency: true,
    allow: ['^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$'],
    depConstraints: [
      // Dimension 1: the layer (ARCHITECTURE.md "Allowed dependencies").
      { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:transport', 'type:core', 'type:infra', 'type:pure', ...test] },
      {
        sourceTag: 'type:transport',
        onlyDependOnLibsWithTags: ['type:core', 'type:infra', 'type:pure', ...test],
        bannedExternalImports: banned(['kysely', ...drivers]),
      },
      { sourceTag: 'type:core', onlyDependOnLibsWithTags: ['type:infra', 'type:pure', ...test] },
      { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:infra', 'type:pure', ...test] },
      {
        sourceTag: 'type:pure',
        onlyDependOnLibsWithTags: ['type:pure', ...test],
        bannedExternalImports: banned([...nodeBuiltins, ...drivers, 'express', 'winston']),
      },
      { sourceTag: 'type:test', onlyDependOnLibsWithTags: ['type:app', 'type:transport', 'type:core', 'type:infra', 'type:pure', 'type:test'] },
      // Dimension 2: who may see whom.
      { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared', ...(forSpecs ? ['scope:server'] : [])] },
      { sourceTag: 'scope:server', onlyDependOnLibsWithTags: ['scope:server', 'scope:shared'] },
      {
        sourceTag: 'scope:admin',
        onlyDependOnLibsWithTags: ['scope:admin', 'scope:shared'],
        bannedExternalImports: ['express', 'kysely', ...drivers],
      },
      { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:server', 'scope:shared', 'scope:admin', 'scope:e2e'] },
    ],
  };
}

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/out-tsc', '**/test-output', '**/playwright-report', 'sb_data/**', 'tmp/**'],
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.jsx'],
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries(false)] },
  },
  {
    // Specs may use the test fixtures (libs/testing) and real drivers, whatever their layer.
    files: ['**/*.spec.ts', '**/test-support/**/*.ts', '**/bench/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries(true)] },
  },
  {
    // libs/testing is for specs and e2e only.
    files: ['libs/*/src/**/*.ts', 'apps/*/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/test-support/**/*.ts', '**/*.test-d.ts', 'libs/testing/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: '@snackbase/testing', message: 'libs/testing is imported only from *.spec.ts and e2e/.' }] }],
    },
  },
  {
    // Pure libs (contract, rules, hooks) run in the browser too. Nx's banned-imports list only
    // covers packages, so Node built-ins are refused here.
    files: ['libs/contract/src/**/*.ts', 'libs/rules/src/**/*.ts', 'libs/hooks/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/test/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: nodeBuiltins, message: 'Browser-safe libraries must not import Node built-ins.' }] },
      ],
    },
  },
  {
    // Re-exporting everything hides a package's real surface: each index lists its exports.
    files: ['libs/*/src/index.ts'],
    rules: {
      'no-restricted-syntax': ['error', { selector: 'ExportAllDeclaration', message: 'List exports explicitly (no export *).' }],
    },
  },
];
