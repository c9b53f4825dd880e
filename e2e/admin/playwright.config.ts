import { defineConfig } from '@playwright/test';
import { SUPERADMIN } from './src/support';

/**
 * Browser tests of the admin console against the real server: the production API build
 * (dist/apps/api/main.js) serving the admin build (dist/apps/admin/browser) with SPA fallback,
 * on SQLite in a data folder that is wiped before every run.
 *
 * Paths in this file are relative to this file's folder (e2e/admin); the server runs from the
 * workspace root.
 */
const port = Number(process.env['E2E_PORT'] ?? 4310);
const baseURL = `http://127.0.0.1:${port}`;

/** Relative to the workspace root (the webServer's cwd). */
const DATA_DIR = 'dist/.e2e-admin';

// Debian's chromium (apt-get install chromium); never `npx playwright install` (no network).
const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: './src',
  outputDir: '../../dist/.playwright/admin-e2e/test-output',
  reporter: [['list'], ['json', { outputFile: '../../dist/test-results/playwright.json' }]],
  fullyParallel: false,
  workers: 1,
  retries: process.env['CI'] ? 1 : 0,
  forbidOnly: !!process.env['CI'],
  use: { baseURL, trace: 'retain-on-failure' },
  webServer: {
    // Production-like: the built API serves the built admin app. A fresh database every run.
    command: `rm -rf ${DATA_DIR} && node dist/apps/api/main.js serve`,
    cwd: '../..',
    url: `${baseURL}/ready`,
    env: {
      SNACKBASE_ENVIRONMENT: 'testing',
      SNACKBASE_HOST: '127.0.0.1',
      SNACKBASE_PORT: String(port),
      SNACKBASE_DATA_DIR: DATA_DIR,
      SNACKBASE_DATABASE_URL: `sqlite:///${DATA_DIR}/snackbase.db`,
      SNACKBASE_STATIC_DIR: 'dist/apps/admin/browser',
      SNACKBASE_LOG_LEVEL: 'warn',
      SNACKBASE_SUPERADMIN_EMAIL: SUPERADMIN.email,
      SNACKBASE_SUPERADMIN_PASSWORD: SUPERADMIN.password,
    },
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    timeout: 60_000,
  },
  projects: [
    {
      name: 'chromium',
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath,
          args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
  ],
});
