import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The Nx workspace root (this file is e2e/sdk/src/support/paths.ts). */
export const WORKSPACE_ROOT = resolve(__dirname, '../../../..');

/** The built server (`npx nx run api:build:production`). */
export const MAIN_JS = join(WORKSPACE_ROOT, 'dist/apps/api/main.js');

/** Fails the suite with a clear message when the server was not built. */
export function assertBuilt(): void {
  if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: run \`npx nx run api:build:production\` first`);
}
