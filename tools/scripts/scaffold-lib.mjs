#!/usr/bin/env node
// Writes the configuration files of a new library under libs/<name> (package.json, project.json,
// tsconfigs, jest and eslint configs), the same for every lib so they stay uniform.
// Usage: node tools/scripts/scaffold-lib.mjs <name> <type> <scope> [--private] [--description "..."]
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const [name, type, scope, ...rest] = process.argv.slice(2);
if (!name || !type || !scope) {
  console.error('usage: scaffold-lib.mjs <name> <type> <scope> [--private] [--description "..."]');
  process.exit(2);
}
const isPrivate = rest.includes('--private');
const di = rest.indexOf('--description');
const description = di >= 0 ? rest[di + 1] : `SnackBase ${name}`;
const root = join('libs', name);
const pure = type === 'pure';
mkdirSync(join(root, 'src'), { recursive: true });
const write = (file, data) => {
  const p = join(root, file);
  if (existsSync(p)) return;
  writeFileSync(p, typeof data === 'string' ? data : JSON.stringify(data, null, 2) + '\n');
};
write('package.json', {
  name: `@snackbase/${name}`,
  version: '0.1.0',
  description,
  license: 'MIT',
  ...(isPrivate ? { private: true } : {}),
  type: 'commonjs',
  main: './src/index.js',
  types: './src/index.d.ts',
  dependencies: { tslib: '2.9.1' },
});
write('project.json', {
  name,
  $schema: '../../node_modules/nx/schemas/project-schema.json',
  sourceRoot: `${root}/src`,
  projectType: 'library',
  tags: [`type:${type}`, `scope:${scope}`, ...(isPrivate ? [] : ['publish'])],
  targets: {
    build: {
      executor: '@nx/js:tsc',
      outputs: ['{options.outputPath}'],
      options: {
        outputPath: `dist/${root}`,
        main: `${root}/src/index.ts`,
        tsConfig: `${root}/tsconfig.lib.json`,
        assets: [`${root}/*.md`],
      },
    },
    typecheck: {
      executor: 'nx:run-commands',
      options: { command: `tsc --noEmit -p ${root}/tsconfig.lib.json && tsc --noEmit -p ${root}/tsconfig.spec.json` },
    },
    test: {
      executor: '@nx/jest:jest',
      outputs: ['{workspaceRoot}/coverage/{projectRoot}'],
      options: { jestConfig: `${root}/jest.config.cts` },
    },
    ...(isPrivate ? {} : { 'nx-release-publish': { options: { packageRoot: `dist/${root}` } } }),
  },
});
write('tsconfig.json', {
  extends: '../../tsconfig.base.json',
  compilerOptions: { module: 'commonjs', ...(pure ? { lib: ['es2022'], types: [] } : {}) },
  files: [],
  include: [],
  references: [{ path: './tsconfig.lib.json' }, { path: './tsconfig.spec.json' }],
});
write('tsconfig.lib.json', {
  extends: './tsconfig.json',
  compilerOptions: { outDir: '../../dist/out-tsc', declaration: true, types: pure ? [] : ['node'] },
  include: ['src/**/*.ts'],
  exclude: ['jest.config.cts', 'src/**/*.spec.ts', 'src/**/*.test-d.ts'],
});
write('tsconfig.spec.json', {
  extends: './tsconfig.json',
  compilerOptions: { outDir: '../../dist/out-tsc', module: 'commonjs', moduleResolution: 'node10', lib: ['es2022'], types: ['jest', 'node'] },
  include: ['jest.config.cts', 'src/**/*.spec.ts', 'src/**/*.test-d.ts', 'src/**/*.d.ts'],
});
write('jest.config.cts', `module.exports = {
  displayName: '${name}',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/${name}',
};
`);
write('eslint.config.mjs', `import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  {
    files: ['**/*.json'],
    rules: {
      '@nx/dependency-checks': [
        'error',
        { ignoredFiles: ['{projectRoot}/eslint.config.{js,cjs,mjs,ts,cts,mts}', '{projectRoot}/**/*.spec.ts', '{projectRoot}/bench/**'] },
      ],
    },
    languageOptions: { parser: await import('jsonc-eslint-parser') },
  },
];
`);
console.log(`scaffolded ${root}`);
