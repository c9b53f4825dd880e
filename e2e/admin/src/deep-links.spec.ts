import { expect, test } from '@playwright/test';

test.describe('SPA fallback', () => {
  test('a deep link is answered with the app, whose router sends an anonymous user to /login', async ({ page }) => {
    const res = await page.goto('/accounts/abc/users');
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-type']).toContain('text/html');
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in to SnackBase');
  });

  test('API paths are not swallowed by the fallback', async ({ request }) => {
    const res = await request.get('/api/v1/no-such-route');
    expect(res.status()).toBe(404);
    expect(res.headers()['content-type']).toContain('application/json');
  });
});
