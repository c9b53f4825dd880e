import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './load-config';
import { resolveSecrets } from './secrets';
import { parseSetting } from './setting';
import { SETTINGS } from './settings';

const load = (env: Record<string, string>) => loadConfig({ env, envFile: null });

describe('loadConfig', () => {
  it('has working defaults', () => {
    const c = load({});
    expect(c).toMatchObject({
      environment: 'development',
      apiPrefix: '/api/v1',
      host: '0.0.0.0',
      port: 8000,
      database: { url: 'sqlite+aiosqlite:///./sb_data/snackbase.db', poolSize: 5 },
      cors: { origins: [] },
      tokens: { accessMinutes: 60, refreshDays: 7 },
    });
    expect(Object.isFrozen(c.database)).toBe(true);
  });

  it.each([
    [{ SNACKBASE_PORT: 'abc' }, 'Invalid SNACKBASE_PORT: expected an integer between 0 and 65535, got "abc"'],
    [{ SNACKBASE_PORT: '70000' }, 'Invalid SNACKBASE_PORT'],
    [{ SNACKBASE_ENVIRONMENT: 'prod' }, 'Invalid SNACKBASE_ENVIRONMENT: expected one of development, production, testing, got "prod"'],
    [{ SNACKBASE_DEBUG: 'maybe' }, 'Invalid SNACKBASE_DEBUG: expected true or false'],
    [{ SNACKBASE_DATABASE_URL: 'mysql://x/y' }, 'Invalid SNACKBASE_DATABASE_URL: unsupported database URL'],
    [{ SNACKBASE_EXTERNAL_URL: 'ftp://x' }, 'Invalid SNACKBASE_EXTERNAL_URL: expected an http(s) URL'],
    [{ SNACKBASE_CORS_ORIGINS: '[1, 2]' }, 'Invalid SNACKBASE_CORS_ORIGINS: expected a JSON array of strings'],
    [{ SNACKBASE_DB_SQLITE_JOURNAL_MODE: 'WAL; drop table x' }, 'Invalid SNACKBASE_DB_SQLITE_JOURNAL_MODE'],
    [{ PORT: '-1' }, 'Invalid PORT'],
    [{ SNACKBASE_SINGLE_TENANT_MODE: 'true' }, 'SNACKBASE_SINGLE_TENANT_ACCOUNT is required when SNACKBASE_SINGLE_TENANT_MODE is on'],
    [{ SNACKBASE_SINGLE_TENANT_MODE: 'true', SNACKBASE_SINGLE_TENANT_ACCOUNT: 'Not A Slug' }, 'Invalid SNACKBASE_SINGLE_TENANT_ACCOUNT'],
  ])('%j is refused with one line naming the variable', (env, message) => {
    expect(() => load(env)).toThrow(message);
    try {
      load(env);
    } catch (e) {
      expect((e as Error).message).not.toContain('\n');
    }
  });

  it('never echoes the value of a secret setting in an error', () => {
    const secret = { env: 'SNACKBASE_X', kind: { type: 'int', min: 0, max: 1 }, secret: true, description: '' } as const;
    expect(() => parseSetting(secret, 'hunter2')).toThrow('Invalid SNACKBASE_X: expected an integer between 0 and 1, got (hidden)');
  });

  it('accepts lists as JSON arrays or comma lists, and PORT as a fallback', () => {
    expect(load({ SNACKBASE_CORS_ORIGINS: '["http://a.test", "http://b.test"]' }).cors.origins).toEqual(['http://a.test', 'http://b.test']);
    expect(load({ SNACKBASE_CORS_ORIGINS: 'http://a.test, http://b.test' }).cors.origins).toEqual(['http://a.test', 'http://b.test']);
    expect(load({ PORT: '9000' }).port).toBe(9000);
    expect(load({ PORT: '9000', SNACKBASE_PORT: '9001' }).port).toBe(9001);
  });

  it('reads .env, and the environment wins over it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-env-'));
    const file = join(dir, '.env');
    writeFileSync(file, 'SNACKBASE_APP_NAME="From File"\nSNACKBASE_PORT=8100\n');
    const c = loadConfig({ env: { SNACKBASE_PORT: '8200' }, envFile: file });
    expect(c.appName).toBe('From File');
    expect(c.port).toBe(8200);
  });

  it('documents every setting in .env.example', () => {
    const example = readFileSync(join(__dirname, '../../../../.env.example'), 'utf8');
    const missing = SETTINGS.map((s) => s.env).filter((name) => !new RegExp(`^#?\\s*${name}=`, 'm').test(example));
    expect(missing).toEqual([]);
  });
});

describe('resolveSecrets', () => {
  const strong = 'a'.repeat(64);
  const dataDir = () => mkdtempSync(join(tmpdir(), 'sb-secrets-'));

  it.each([
    [{}, 'SNACKBASE_SECRET_KEY is required in production'],
    [{ SNACKBASE_SECRET_KEY: 'change-me-in-production-use-openssl-rand-hex-32', SNACKBASE_TOKEN_SECRET: strong, SNACKBASE_ENCRYPTION_KEY: strong }, 'SNACKBASE_SECRET_KEY is a known placeholder'],
    [{ SNACKBASE_SECRET_KEY: strong, SNACKBASE_TOKEN_SECRET: 'short', SNACKBASE_ENCRYPTION_KEY: strong }, 'SNACKBASE_TOKEN_SECRET is too short'],
    [{ SNACKBASE_SECRET_KEY: strong, SNACKBASE_TOKEN_SECRET: strong }, 'SNACKBASE_ENCRYPTION_KEY is required in production'],
  ])('production refuses %j', (env, message) => {
    const c = load({ ...env, SNACKBASE_ENVIRONMENT: 'production', SNACKBASE_DATA_DIR: dataDir() });
    expect(() => resolveSecrets(c)).toThrow(message);
  });

  it('production accepts strong secrets as given', () => {
    const c = load({ SNACKBASE_ENVIRONMENT: 'production', SNACKBASE_SECRET_KEY: strong, SNACKBASE_TOKEN_SECRET: strong + 'b', SNACKBASE_ENCRYPTION_KEY: strong + 'c' });
    expect(resolveSecrets(c)).toEqual({ secrets: { secretKey: strong, tokenSecret: strong + 'b', encryptionKey: strong + 'c' }, warnings: [] });
  });

  it('development generates secrets once into a 0600 file and reuses them', () => {
    const dir = dataDir();
    const first = resolveSecrets(load({ SNACKBASE_DATA_DIR: dir }));
    const second = resolveSecrets(load({ SNACKBASE_DATA_DIR: dir }));
    expect(first.secrets).toEqual(second.secrets);
    expect(first.secrets.secretKey).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(Object.values(first.secrets)).size).toBe(3);
    expect(first.warnings[0]).toContain('development secrets generated');
    expect(statSync(join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
  });

  it('development still refuses a short secret that was set on purpose', () => {
    expect(() => resolveSecrets(load({ SNACKBASE_SECRET_KEY: 'too-short', SNACKBASE_DATA_DIR: dataDir() }))).toThrow('too short');
  });
});
