import { join } from 'node:path';
import type { Page } from '@playwright/test';

/** The superadmin the e2e server creates at first start (playwright.config.ts passes it in). */
export const SUPERADMIN = {
  account: 'system',
  email: 'admin@e2e.test',
  password: 'E2e-Admin-Pass-123!',
} as const;

/** Where screenshots go: dist/.playwright/admin-e2e/ under the workspace root. */
export function screenshotPath(name: string): string {
  return join(__dirname, '..', '..', '..', 'dist', '.playwright', 'admin-e2e', name);
}

/**
 * Collects everything the page reports as an error: `console.error` messages (CSP violations,
 * failed resource loads, Angular's error handler) and uncaught exceptions.
 */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  return errors;
}
