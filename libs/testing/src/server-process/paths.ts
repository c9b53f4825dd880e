import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The Nx workspace root (this file is libs/testing/src/server-process/paths.ts). */
export const WORKSPACE_ROOT = resolve(__dirname, '../../../..');

/** The built server (`npx nx run api:build:production`). */
export const MAIN_JS = join(WORKSPACE_ROOT, 'dist/apps/api/main.js');

/** The built admin console (`npx nx run admin:build`). */
export const ADMIN_DIR = join(WORKSPACE_ROOT, 'dist/apps/admin/browser');

/** Whether the admin console was built (its tests only run when it was). */
export const ADMIN_BUILT = existsSync(join(ADMIN_DIR, 'index.html'));

/** Fails the suite with a clear message when the server was not built. */
export function assertBuilt(): void {
  if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: run \`npx nx run api:build:production\` first`);
}
