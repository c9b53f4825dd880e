import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { startTestServer, type TestServer } from '../test-support/test-server';

const SA = { email: 'root@hooks.test', password: 'Root-Hooks-Pass-1!' };

describe('user hook modules from SNACKBASE_HOOKS_DIR', () => {
  let server: TestServer;
  let app: Express;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-hooks-'));
    writeFileSync(
      join(dir, '10-guard.js'),
      `module.exports = (hooks, { HookAbortError }) => {
        hooks.on('auth.beforeLogin', (p) => {
          if (p.email.endsWith('@blocked.test')) throw new HookAbortError(403, 'This domain may not sign in');
        });
        hooks.on('auth.afterLogin', (p) => { globalThis.__signedIn = [...(globalThis.__signedIn || []), p.user.email]; });
      };`,
    );
    server = await startTestServer('sqlite', { env: { SNACKBASE_HOOKS_DIR: dir, SNACKBASE_SUPERADMIN_EMAIL: SA.email, SNACKBASE_SUPERADMIN_PASSWORD: SA.password } });
    ({ app } = server);
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a before-hook aborts with its own 4xx, an after-hook sees the committed login', async () => {
    const blocked = await request(app).post('/api/v1/auth/login').send({ account: 'system', email: 'someone@blocked.test', password: 'Whatever-Pass-1!' }).expect(403);
    expect(blocked.body).toMatchObject({ message: 'This domain may not sign in', request_id: expect.any(String) });
    await request(app).post('/api/v1/auth/login').send({ account: 'system', ...SA }).expect(200);
    expect((globalThis as { __signedIn?: string[] }).__signedIn).toEqual([SA.email]);
  });
});
