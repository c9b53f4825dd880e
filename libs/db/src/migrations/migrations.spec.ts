import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '@snackbase/testing';
import { createDatabase, migrateDown, migrateToLatest, migrationStatus, translateDbError, type SnackDatabase } from '../index';
import { SYSTEM_MIGRATIONS } from './index';

/** Every table of spec Appendix A (the dynamic `col_*` tables aside). */
const APPENDIX_A_TABLES = [
  'accounts',
  'users',
  'roles',
  'groups',
  'users_groups',
  'collections',
  'collection_rules',
  'macros',
  'refresh_tokens',
  'token_blacklist',
  'api_keys',
  'invitations',
  'email_verification_tokens',
  'password_reset_tokens',
  'oauth_states',
  'configurations',
  'email_templates',
  'email_logs',
  'audit_log',
  'audit_pending',
  'webhooks',
  'webhook_deliveries',
  'jobs',
  'hooks',
  'hook_executions',
  'endpoints',
  'endpoint_executions',
  'workflows',
  'workflow_instances',
  'workflow_step_logs',
];

const ALL_NAMES = SYSTEM_MIGRATIONS.map(([name]) => name);

// Errors from better-sqlite3 are built in the first test file that loaded the native addon, so
// in later files of the same jest worker they fail `instanceof Error` and `rejects.toThrow`
// reports "did not throw"; matching on `message` works in every file.
describe.each(TEST_DIALECTS)('system migrations on %s', (dialect) => {
  let t: TestDatabase;
  let db: SnackDatabase;

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    await t.db.destroy();
    db = createDatabase({ url: t.url });
  });

  afterAll(async () => {
    await db.close();
    await t.destroy();
  });

  async function count(table: string): Promise<number> {
    const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(db.kysely);
    return Number(rows[0]?.n);
  }

  async function dbErrorOf(p: Promise<unknown>): Promise<unknown> {
    try {
      await p;
    } catch (e) {
      return e;
    }
    throw new Error('expected the statement to fail');
  }

  async function insertAccount(code: string, slug: string): Promise<string> {
    const id = randomUUID();
    await db.kysely.insertInto('accounts').values({ id, account_code: code, slug, name: slug }).execute();
    return id;
  }

  async function insertUser(accountId: string, email: string): Promise<string> {
    const id = randomUUID();
    await sql`insert into users (id, account_id, email, password_hash, role_id) values (${id}, ${accountId}, ${email}, ${'x'}, ${2})`.execute(db.kysely);
    return id;
  }

  it('applies every migration once, then none', async () => {
    expect(await migrateToLatest(db)).toEqual(ALL_NAMES);
    expect(await migrateToLatest(db)).toEqual([]);
    const status = await migrationStatus(db);
    expect(status.map((s) => s.name)).toEqual(ALL_NAMES);
    expect(status.every((s) => s.executedAt !== null)).toBe(true);
  });

  it('creates every Appendix-A table', async () => {
    for (const table of APPENDIX_A_TABLES) {
      await expect(count(table)).resolves.toBe(table === 'roles' ? 2 : 0);
    }
  });

  it('seeds the admin and user roles', async () => {
    const roles = await db.kysely.selectFrom('roles').select(['id', 'name']).orderBy('id').execute();
    expect(roles).toEqual([
      { id: 1, name: 'admin' },
      { id: 2, name: 'user' },
    ]);
  });

  it('keeps (account_id, email) unique on users', async () => {
    const a = await insertAccount('AB0001', 'alpha');
    const b = await insertAccount('AB0002', 'bravo');
    await insertUser(a, 'same@example.com');
    await insertUser(b, 'same@example.com');
    const e = await dbErrorOf(insertUser(a, 'same@example.com'));
    expect(translateDbError(e)?.kind).toBe('unique');
  });

  it('keeps collection names unique ignoring case', async () => {
    const schema = JSON.stringify([]);
    await db.kysely.insertInto('collections').values({ id: randomUUID(), name: 'Posts', schema }).execute();
    const e = await dbErrorOf(db.kysely.insertInto('collections').values({ id: randomUUID(), name: 'posts', schema }).execute());
    expect(translateDbError(e)?.kind).toBe('unique');
    await db.kysely.insertInto('collections').values({ id: randomUUID(), name: 'comments', schema }).execute();
    expect(await count('collections')).toBe(2);
  });

  it('numbers macros from 1', async () => {
    const row = await db.kysely
      .insertInto('macros')
      .values({ name: 'm1', sql_query: 'SELECT 1' })
      .returning(['id', 'parameters'])
      .executeTakeFirstOrThrow();
    expect(row.id).toBe(1);
    expect(JSON.stringify(typeof row.parameters === 'string' ? JSON.parse(row.parameters) : row.parameters)).toBe('[]');
  });

  it('makes audit_log append-only', async () => {
    const row = await db.kysely
      .insertInto('audit_log')
      .values({ operation: 'CREATE', table_name: 'users', record_id: 'r1', column_name: 'email', new_value: 'a@b.c', checksum: 'a'.repeat(64) })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(row.id).toBe(1);
    await expect(db.kysely.updateTable('audit_log').set({ new_value: 'x' }).where('id', '=', row.id).execute()).rejects.toMatchObject({ message: expect.stringMatching(/immutable.*updated/) });
    await expect(db.kysely.deleteFrom('audit_log').where('id', '=', row.id).execute()).rejects.toMatchObject({ message: expect.stringMatching(/immutable.*deleted/) });
    await expect(db.kysely.deleteFrom('audit_log').execute()).rejects.toMatchObject({ message: expect.stringMatching(/immutable/) });
    if (dialect === 'postgres') {
      await expect(sql`truncate audit_log`.execute(db.kysely)).rejects.toMatchObject({ message: expect.stringMatching(/immutable.*truncated/) });
    }
    const bad = await dbErrorOf(
      db.kysely.insertInto('audit_log').values({ operation: 'READ' as 'CREATE', table_name: 't', record_id: 'r', column_name: 'c', checksum: 'b'.repeat(64) }).execute(),
    );
    expect(translateDbError(bad)?.kind).toBe('check');
    expect(await count('audit_log')).toBe(1);
  });

  it('deletes account-owned automation rows with their account', async () => {
    const acc = await insertAccount('CD0001', 'charlie');
    const webhook = randomUUID();
    await sql`insert into webhooks (id, account_id, url, collection, events, secret) values (${webhook}, ${acc}, ${'https://example.com'}, ${'posts'}, ${'["create"]'}, ${'s'})`.execute(db.kysely);
    await sql`insert into webhook_deliveries (id, account_id, webhook_id, event, payload) values (${randomUUID()}, ${acc}, ${webhook}, ${'records.create'}, ${'{}'})`.execute(db.kysely);
    expect(await count('webhook_deliveries')).toBe(1);
    await db.kysely.deleteFrom('accounts').where('id', '=', acc).execute();
    expect(await count('webhooks')).toBe(0);
    expect(await count('webhook_deliveries')).toBe(0);
  });

  it('migrates down one by one to nothing, then up again', async () => {
    for (const name of [...ALL_NAMES].reverse()) {
      expect(await migrateDown(db)).toEqual([name]);
    }
    expect(await migrateDown(db)).toEqual([]);
    expect((await migrationStatus(db)).every((s) => s.executedAt === null)).toBe(true);
    for (const table of APPENDIX_A_TABLES) {
      await expect(count(table)).rejects.toHaveProperty('message');
    }
    expect(await migrateToLatest(db)).toEqual(ALL_NAMES);
    expect(await count('roles')).toBe(2);
    expect(await count('audit_log')).toBe(0);
  });
});
