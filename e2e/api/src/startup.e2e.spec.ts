import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_DIALECTS } from '@snackbase/testing';
import { http } from '@snackbase/testing';
import { freePort } from '@snackbase/testing';
import { e2eDatabase, runCli, startServer, tempDir, type E2eDatabase, type StartedServer } from '@snackbase/testing';

// Start-up as an operator sees it: first start, configuration errors, production secrets,
// database URL forms, graceful shutdown, and two instances migrating one database at once.

const SUPERADMIN_PASSWORD = 'Sup3r-Secret-Pass!';
const HEX64 = (c: string) => c.repeat(64);
const PROD_SECRETS = { SNACKBASE_SECRET_KEY: HEX64('a'), SNACKBASE_TOKEN_SECRET: HEX64('b'), SNACKBASE_ENCRYPTION_KEY: HEX64('c') };
const NO_SUPERADMIN_HINT = 'create-superadmin';

describe('first start on an empty folder (SQLite defaults)', () => {
  let s: StartedServer;
  let stopped: Awaited<ReturnType<StartedServer['stop']>> | undefined;
  let cwd: string;

  beforeAll(async () => {
    cwd = tempDir();
    // No SNACKBASE_DATABASE_URL: the default sqlite+aiosqlite:///./sb_data/snackbase.db applies.
    s = await startServer({ dialect: 'sqlite', cwd, env: { SNACKBASE_DATABASE_URL: undefined, SNACKBASE_LOG_LEVEL: 'info' } });
  });

  afterAll(async () => {
    if (s) await s.stop();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it('creates ./sb_data/snackbase.db relative to the working directory', async () => {
    expect(existsSync(join(cwd, 'sb_data', 'snackbase.db'))).toBe(true);
    const ready = (await http(`${s.url}/ready`)).json();
    expect(ready).toEqual(expect.objectContaining({ dialect: 'sqlite', database: 'connected' }));
  });

  it('creates ./sb_data/secrets.json with mode 0600 and three 32-byte secrets', () => {
    const file = join(cwd, 'sb_data', 'secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const secrets = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    expect(Object.keys(secrets).sort()).toEqual(['encryptionKey', 'secretKey', 'tokenSecret']);
    for (const v of Object.values(secrets)) expect(v).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(Object.values(secrets)).size).toBe(3);
  });

  it('warns about the generated development secrets without printing them', () => {
    const secrets = JSON.parse(readFileSync(join(cwd, 'sb_data', 'secrets.json'), 'utf8')) as Record<string, string>;
    const warn = s.logLines().find((l) => l['level'] === 'warn' && String(l['message']).includes('development secrets'));
    expect(warn?.['message']).toContain('SNACKBASE_SECRET_KEY');
    for (const v of Object.values(secrets)) expect(s.logs()).not.toContain(v);
  });

  it('logs how to create a superadmin', () => {
    const hint = s.logLines().find((l) => l['level'] === 'warn' && String(l['message']).includes(NO_SUPERADMIN_HINT));
    expect(hint?.['message']).toContain('SNACKBASE_SUPERADMIN_EMAIL');
  });

  it('SIGTERM: exits 0 within a few seconds and logs "shutting down"', async () => {
    stopped = await s.stop();
    expect({ code: stopped.code, signal: stopped.signal }).toEqual({ code: 0, signal: null });
    expect(stopped.ms).toBeLessThan(5000);
    const line = s.logLines().find((l) => l['message'] === 'shutting down');
    expect(line).toEqual(expect.objectContaining({ level: 'info', signal: 'SIGTERM' }));
  });

  it('a second start on the same folder reuses the secrets and does not migrate again', async () => {
    const before = readFileSync(join(cwd, 'sb_data', 'secrets.json'), 'utf8');
    const again = await startServer({ dialect: 'sqlite', cwd, env: { SNACKBASE_DATABASE_URL: undefined, SNACKBASE_LOG_LEVEL: 'info' } });
    try {
      expect(readFileSync(join(cwd, 'sb_data', 'secrets.json'), 'utf8')).toBe(before);
      expect(again.logLines().some((l) => l['message'] === 'database migrated')).toBe(false);
    } finally {
      await again.stop();
    }
  });
});

describe.each(TEST_DIALECTS)('superadmin from the environment on %s', (dialect) => {
  let s: StartedServer;

  beforeAll(async () => {
    s = await startServer({
      dialect,
      env: { SNACKBASE_LOG_LEVEL: 'info', SNACKBASE_SUPERADMIN_EMAIL: 'root@example.com', SNACKBASE_SUPERADMIN_PASSWORD: SUPERADMIN_PASSWORD },
    });
  });

  afterAll(async () => {
    if (s) await s.stop();
  });

  it('creates the superadmin at first start and does not print the create-superadmin hint', () => {
    expect(s.logLines().find((l) => l['message'] === 'superadmin created from environment')).toEqual(
      expect.objectContaining({ email: 'root@example.com' }),
    );
    expect(s.logs()).not.toContain(NO_SUPERADMIN_HINT);
    expect(s.logs()).not.toContain(SUPERADMIN_PASSWORD);
  });
});

describe('configuration errors', () => {
  let cwd: string;
  let port: number;

  beforeAll(async () => {
    cwd = tempDir();
    port = await freePort();
  });

  afterAll(() => {
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it.each([
    ['SNACKBASE_PORT', 'abc'],
    ['SNACKBASE_DATABASE_URL', 'mysql://x'],
    ['SNACKBASE_LOG_LEVEL', 'loud'],
  ])('%s=%s exits non-zero with one stderr line naming the variable', (name, value) => {
    const r = runCli(['serve'], { cwd, env: { SNACKBASE_HOST: '127.0.0.1', SNACKBASE_PORT: String(port), [name]: value }, timeoutMs: 15_000 });
    expect(r.status).not.toBe(0);
    expect(r.status).not.toBeNull();
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(name);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('production secrets', () => {
  let cwd: string;
  let port: number;

  beforeAll(async () => {
    cwd = tempDir();
    port = await freePort();
  });

  afterAll(() => {
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  const prod = (secrets: Record<string, string | undefined>) =>
    runCli(['serve'], { cwd, env: { SNACKBASE_ENVIRONMENT: 'production', SNACKBASE_HOST: '127.0.0.1', SNACKBASE_PORT: String(port), ...secrets }, timeoutMs: 15_000 });

  it.each([
    { label: 'no secrets at all', secrets: {}, name: 'SNACKBASE_SECRET_KEY' },
    { label: 'SNACKBASE_ENCRYPTION_KEY missing', secrets: { ...PROD_SECRETS, SNACKBASE_ENCRYPTION_KEY: undefined }, name: 'SNACKBASE_ENCRYPTION_KEY' },
    { label: 'the reference placeholder', secrets: { ...PROD_SECRETS, SNACKBASE_SECRET_KEY: 'change-me-in-production-use-openssl-rand-hex-32' }, name: 'SNACKBASE_SECRET_KEY' },
    { label: 'a 10-character secret', secrets: { ...PROD_SECRETS, SNACKBASE_TOKEN_SECRET: '0123456789' }, name: 'SNACKBASE_TOKEN_SECRET' },
  ])('refuses to start with $label (non-zero exit naming $name)', ({ secrets, name }) => {
    const r = prod(secrets);
    expect(r.status).not.toBe(0);
    expect(r.status).not.toBeNull();
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(name);
    // Production never falls back to generated secrets.
    expect(existsSync(join(cwd, 'sb_data', 'secrets.json'))).toBe(false);
  });

  it('starts with three 64-hex secrets, sends HSTS and generates no secrets file', async () => {
    const s = await startServer({ dialect: 'sqlite', env: { SNACKBASE_ENVIRONMENT: 'production', ...PROD_SECRETS } });
    try {
      const res = await http(`${s.url}/health`);
      expect(res.status).toBe(200);
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(existsSync(join(s.cwd, 'sb_data', 'secrets.json'))).toBe(false);
      expect(s.logs()).not.toContain('development secrets');
      for (const v of Object.values(PROD_SECRETS)) expect(s.logs()).not.toContain(v);
    } finally {
      await s.stop();
    }
  });
});

describe('SQLAlchemy database URL forms', () => {
  it('sqlite+aiosqlite:///./sb_data/x.db is relative to the working directory', async () => {
    const cwd = tempDir();
    const s = await startServer({ dialect: 'sqlite', cwd, databaseUrl: 'sqlite+aiosqlite:///./sb_data/x.db' });
    try {
      expect(existsSync(join(cwd, 'sb_data', 'x.db'))).toBe(true);
      expect(existsSync(join(cwd, 'sb_data', 'snackbase.db'))).toBe(false);
      expect((await http(`${s.url}/ready`)).json()).toEqual(expect.objectContaining({ status: 'ready', dialect: 'sqlite' }));
    } finally {
      await s.stop();
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('sqlite:////abs/path.db is an absolute path', async () => {
    const dbDir = tempDir('sb-e2e-abs-');
    const file = join(dbDir, 'nested', 'abs.db');
    const s = await startServer({ dialect: 'sqlite', databaseUrl: `sqlite:///${file}` });
    try {
      expect(file.startsWith('/')).toBe(true);
      expect(existsSync(file)).toBe(true);
      expect(existsSync(join(s.cwd, 'sb_data', 'snackbase.db'))).toBe(false);
      expect((await http(`${s.url}/ready`)).json()).toEqual(expect.objectContaining({ status: 'ready', dialect: 'sqlite' }));
    } finally {
      await s.stop();
      rmSync(dbDir, { recursive: true, force: true });
    }
  });

  it('postgresql+asyncpg://postgres@127.0.0.1:5432/<db> reaches PostgreSQL', async () => {
    const db = await e2eDatabase('postgres');
    const s = await startServer({ dialect: 'postgres', databaseUrl: `postgresql+asyncpg://postgres@127.0.0.1:5432/${db.name}` }).catch(async (e: unknown) => {
      await db.destroy();
      throw e;
    });
    try {
      expect((await http(`${s.url}/ready`)).json()).toEqual(expect.objectContaining({ status: 'ready', dialect: 'postgres', database: 'connected' }));
      const history = runCli(['migrate', 'history'], { cwd: s.cwd, env: { SNACKBASE_DATABASE_URL: db.url } });
      expect(history.stdout).toMatch(/^applied {2}0001-/m);
    } finally {
      await s.stop();
      await db.destroy();
    }
  });
});

describe('two instances on one fresh PostgreSQL database', () => {
  let db: E2eDatabase;

  beforeAll(async () => {
    db = await e2eDatabase('postgres');
  });

  afterAll(async () => {
    if (db) await db.destroy();
  });

  it('both become ready and every migration is applied exactly once', async () => {
    const results = await Promise.allSettled([startServer({ dialect: 'postgres', databaseUrl: db.url }), startServer({ dialect: 'postgres', databaseUrl: db.url })]);
    const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    try {
      const failures = results.flatMap((r) => (r.status === 'rejected' ? [String((r.reason as Error).message)] : []));
      expect(failures).toEqual([]);
      const readies = await Promise.all(started.map(async (s) => (await http(`${s.url}/ready`)).json<{ migrations: { applied: number; pending: number } }>()));
      expect(readies[0].migrations.pending).toBe(0);
      expect(readies[1].migrations).toEqual(readies[0].migrations);

      const history = runCli(['migrate', 'history'], { cwd: started[0].cwd, env: { SNACKBASE_DATABASE_URL: db.url } });
      expect(history.status).toBe(0);
      const names = history.stdout
        .split('\n')
        .filter((l) => l.startsWith('applied'))
        .map((l) => l.split(/\s+/)[1]);
      expect(names.length).toBe(readies[0].migrations.applied);
      expect(new Set(names).size).toBe(names.length);
      expect(names).toEqual([...names].sort());
      for (const s of started) expect(s.stderr()).toBe('');
    } finally {
      await Promise.all(started.map((s) => s.stop()));
    }
  });
});
