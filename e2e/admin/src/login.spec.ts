import { expect, test } from '@playwright/test';
import { collectPageErrors, screenshotPath, SUPERADMIN } from './support';

test.describe('sign-in page', () => {
  test('an anonymous visitor at / is sent to /login and sees the sign-in form', async ({ page }) => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in to SnackBase');
    await expect(page.locator('input[name=account]')).toHaveValue('system');
    await expect(page.locator('input[name=email]')).toBeVisible();
    await expect(page.locator('input[name=email]')).toHaveAttribute('type', 'email');
    await expect(page.locator('input[name=password]')).toHaveAttribute('type', 'password');
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled();
    await page.screenshot({ path: screenshotPath('login.png'), fullPage: true });
  });

  test('the login page logs no console errors (CSP violations included)', async ({ page }) => {
    const errors = collectPageErrors(page);
    await page.goto('/login');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in to SnackBase');
    await page.waitForLoadState('networkidle');
    expect(errors).toEqual([]);
  });

  test('the global stylesheet is applied (its loader is not blocked by the CSP)', async ({ page }) => {
    await page.goto('/login');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in to SnackBase');
    await page.waitForLoadState('networkidle');
    // Angular's critical-CSS inlining loads styles-*.css with media="print" and switches it to
    // "all" in an inline onload handler; a strict script-src blocks that, leaving it on "print".
    const links = await page.locator('link[rel=stylesheet]').evaluateAll((els) =>
      els.map((el) => ({ href: (el as HTMLLinkElement).href, media: (el as HTMLLinkElement).media || 'all' })),
    );
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(link, link.href).toMatchObject({ media: 'all' });
  });

  test('a wrong password shows the server message and stays on /login', async ({ page }) => {
    await page.goto('/login');
    await page.locator('input[name=email]').fill(SUPERADMIN.email);
    await page.locator('input[name=password]').fill('Wrong-Password-123!');
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect((await answer).status()).toBe(401);
    const alert = page.getByTestId('login-error');
    await expect(alert).toHaveText('Invalid credentials');
    await expect(alert).toHaveAttribute('role', 'alert');
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByTestId('signed-in')).toHaveCount(0);
  });

  test('the superadmin signs in to "system", lands on / and signs out again', async ({ page }) => {
    await page.goto('/login');
    await expect(page.locator('input[name=account]')).toHaveValue(SUPERADMIN.account);
    await page.locator('input[name=account]').fill(SUPERADMIN.account);
    await page.locator('input[name=email]').fill(SUPERADMIN.email);
    await page.locator('input[name=password]').fill(SUPERADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByTestId('signed-in')).toContainText(SUPERADMIN.email);
    await expect(page.getByTestId('login-error')).toHaveCount(0);
    await page.screenshot({ path: screenshotPath('home.png'), fullPage: true });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in to SnackBase');
    // Signed out for real: the guard sends / back to /login.
    await page.goto('/');
    await expect(page).toHaveURL(/\/login$/);
  });
});
