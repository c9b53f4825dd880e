import { rmSync } from 'node:fs';
import { TEST_DIALECTS } from '@snackbase/testing';
import { e2eDatabase, runCli, show, tempDir, type CliResult, type E2eDatabase, type EnvOverrides } from '@snackbase/testing';

// The `snackbase` CLI of the built server: create-superadmin, migrate, init-db, info.
// Within a dialect the tests run in order against one database, as an operator would.

const PASSWORD = 'Sup3r-Secret-Pass!';

describe.each(TEST_DIALECTS)('CLI on %s', (dialect) => {
  let db: E2eDatabase;
  let cwd: string;
  let env: EnvOverrides;
  const cli = (...args: string[]): CliResult => runCli(args, { cwd, env });
  let migrations: string[] = [];

  beforeAll(async () => {
    db = await e2eDatabase(dialect);
    cwd = tempDir();
    env = { SNACKBASE_DATABASE_URL: db.url };
  });

  afterAll(async () => {
    if (db) await db.destroy();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it('init-db migrates a fresh database and says how to create a superadmin', () => {
    const r = cli('init-db');
    expect(r.status).toBe(0);
    const applied = /applied (\d+) migration\(s\)/.exec(r.stdout);
    expect(applied).not.toBeNull();
    expect(Number(applied?.[1])).toBeGreaterThan(0);
    expect(r.stdout).toContain('no superadmin yet');
  });

  it('init-db again is a no-op', () => {
    const r = cli('init-db');
    expect(show(r)).toContain('database already up to date');
    expect(r.status).toBe(0);
  });

  it('migrate status lists every migration as applied and "N applied, 0 pending"', () => {
    const r = cli('migrate', 'status');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => /^(applied|pending) /.test(l));
    migrations = lines.map((l) => l.split(/\s+/)[1]);
    expect(migrations.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.startsWith('applied '))).toBe(true);
    expect(r.stdout).toContain(`${migrations.length} applied, 0 pending (${dialect})`);
  });

  it('migrate down reverts the latest; status then shows exactly 1 pending', () => {
    const latest = migrations[migrations.length - 1];
    const down = cli('migrate', 'down');
    expect(down.status).toBe(0);
    expect(down.stdout.trim()).toBe(`reverted ${latest}`);
    const status = cli('migrate', 'status');
    expect(status.stdout).toContain(`${migrations.length - 1} applied, 1 pending (${dialect})`);
    expect(status.stdout).toMatch(new RegExp(`^pending {2}${latest}$`, 'm'));
  });

  it('migrate up applies it again; history lists each migration once', () => {
    const latest = migrations[migrations.length - 1];
    const up = cli('migrate', 'up');
    expect(up.status).toBe(0);
    expect(up.stdout.trim()).toBe(`applied ${latest}`);
    expect(cli('migrate', 'status').stdout).toContain(`${migrations.length} applied, 0 pending (${dialect})`);
    const history = cli('migrate', 'history').stdout.split('\n').filter((l) => l.startsWith('applied'));
    expect(history.map((l) => l.split(/\s+/)[1])).toEqual(migrations);
  });

  it('migrate with an unknown action fails', () => {
    const r = cli('migrate', 'sideways');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('unknown migrate action');
  });

  it('create-superadmin --email --password succeeds (exit 0)', () => {
    const r = cli('create-superadmin', '--email', 'a@b.co', '--password', PASSWORD);
    expect(show(r)).toContain('superadmin a@b.co created');
    expect(r.status).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  });

  it('create-superadmin again exits 2 and mentions --force', () => {
    const r = cli('create-superadmin', '--email', 'a@b.co', '--password', PASSWORD);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--force');
    expect(r.stderr).toContain('a@b.co');
  });

  it('create-superadmin --force sets a new password (exit 0)', () => {
    const r = cli('create-superadmin', '--email', 'a@b.co', '--password', 'An0ther-Secret-Pass?', '--force');
    expect(show(r)).toContain('superadmin a@b.co updated');
    expect(r.status).toBe(0);
  });

  it('create-superadmin with a weak password exits 2 listing the policy problems', () => {
    const r = cli('create-superadmin', '--email', 'weak@b.co', '--password', 'weak');
    expect(r.status).toBe(2);
    const problems = r.stderr.split('\n').filter((l) => l.startsWith('  - '));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('at least 12 characters'),
        expect.stringContaining('uppercase'),
        expect.stringContaining('digit'),
        expect.stringContaining('special'),
      ]),
    );
    expect(problems).toHaveLength(4);
  });

  it('create-superadmin without --password on a non-terminal exits 2', () => {
    const r = cli('create-superadmin', '--email', 'x@b.co');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--password');
  });

  it('init-db with the superadmin variables keeps the existing superadmin', () => {
    const r = runCli(['init-db'], { cwd, env: { ...env, SNACKBASE_SUPERADMIN_EMAIL: 'other@b.co', SNACKBASE_SUPERADMIN_PASSWORD: PASSWORD } });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('database already up to date');
    expect(r.stdout).not.toContain('other@b.co');
  });
});

describe('info', () => {
  let cwd: string;

  beforeAll(() => {
    cwd = tempDir();
  });

  afterAll(() => {
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it('prints the configuration as JSON with secrets as "***" and the database password redacted, without connecting', () => {
    const secret = 'f'.repeat(64);
    const r = runCli(['info'], {
      cwd,
      env: {
        // Database "x" does not exist: info must not connect to it.
        SNACKBASE_DATABASE_URL: 'postgres://postgres:hunter2@127.0.0.1:5432/x',
        SNACKBASE_SECRET_KEY: secret,
        SNACKBASE_TOKEN_SECRET: 'e'.repeat(64),
        SNACKBASE_ENCRYPTION_KEY: 'd'.repeat(64),
        SNACKBASE_SUPERADMIN_EMAIL: 'root@example.com',
        SNACKBASE_SUPERADMIN_PASSWORD: PASSWORD,
        SNACKBASE_PORT: '8123',
      },
    });
    expect(show(r)).not.toContain('hunter2');
    expect(r.status).toBe(0);
    const info = JSON.parse(r.stdout) as {
      port: number;
      database: { url: string };
      secrets: Record<string, string>;
      superadmin: { email: string; password: string };
    };
    expect(info.port).toBe(8123);
    expect(info.database.url).toBe('postgres://postgres:***@127.0.0.1:5432/x');
    expect(info.secrets).toEqual({ secretKey: '***', tokenSecret: '***', encryptionKey: '***' });
    expect(info.superadmin).toEqual({ email: 'root@example.com', password: '***' });
    for (const value of [secret, 'e'.repeat(64), 'd'.repeat(64), PASSWORD]) expect(r.stdout).not.toContain(value);
    expect(r.stderr).toBe('');
  });

  it('--help lists every command', () => {
    const r = runCli(['--help'], { cwd });
    expect(r.status).toBe(0);
    for (const command of ['serve', 'init-db', 'create-superadmin', 'migrate', 'info', 'shell']) expect(r.stdout).toContain(command);
  });
});
