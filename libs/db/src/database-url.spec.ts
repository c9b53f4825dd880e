import { parseDatabaseUrl, redactDatabaseUrl } from './database-url';

describe('parseDatabaseUrl', () => {
  it.each([
    ['sqlite+aiosqlite:///./sb_data/snackbase.db', { dialect: 'sqlite', filename: './sb_data/snackbase.db' }],
    ['sqlite:///relative.db', { dialect: 'sqlite', filename: 'relative.db' }],
    ['sqlite:////abs/path.db', { dialect: 'sqlite', filename: '/abs/path.db' }],
    ['sqlite:///:memory:', { dialect: 'sqlite', filename: ':memory:' }],
    ['postgresql+asyncpg://user:pass@db.example/app', { dialect: 'postgres', connectionString: 'postgres://user:pass@db.example/app' }],
    ['postgresql://user@127.0.0.1:5432/app', { dialect: 'postgres', connectionString: 'postgres://user@127.0.0.1:5432/app' }],
    ['postgres://u@h/d?sslmode=require', { dialect: 'postgres', connectionString: 'postgres://u@h/d?sslmode=require' }],
  ])('%s', (url, target) => expect(parseDatabaseUrl(url)).toEqual(target));

  it.each([
    ['mysql://root@localhost/db', 'unsupported database URL'],
    ['sqlite://relative.db', 'three slashes'],
    ['sqlite:///', 'needs a file name'],
    ['postgres://', 'no host'],
    ['', 'unsupported database URL'],
  ])('refuses %j', (url, message) => expect(() => parseDatabaseUrl(url)).toThrow(message));
});

describe('redactDatabaseUrl', () => {
  it('hides the password only', () => {
    expect(redactDatabaseUrl('postgres://app:hunter2@db:5432/x')).toBe('postgres://app:***@db:5432/x');
    expect(redactDatabaseUrl('sqlite:///./a.db')).toBe('sqlite:///./a.db');
  });
});
