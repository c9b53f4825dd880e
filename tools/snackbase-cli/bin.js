#!/usr/bin/env node
// `npx snackbase <cmd>` from the workspace: builds the API once when its bundle is missing,
// then hands the arguments to the CLI inside the production bundle.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..', '..');
const main = join(root, 'dist', 'apps', 'api', 'main.js');
if (!existsSync(main)) {
  process.stderr.write('snackbase: building the API (first run)…\n');
  const build = spawnSync('npx', ['nx', 'run', 'api:build:production', '--output-style=static'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const run = spawnSync(process.execPath, [main, ...process.argv.slice(2)], { cwd: process.cwd(), stdio: 'inherit' });
process.exit(run.status ?? 1);
