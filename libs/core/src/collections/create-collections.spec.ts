import { randomUUID } from 'node:crypto';
import { createDatabase } from '@snackbase/db';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '@snackbase/testing';
import { SYSTEM_ACCOUNT_ID } from '../accounts';
import { loadConfig } from '../config';
import type { RequestContext } from '../context';
import { createCore, type Core } from '../create-core';
import { createLogger } from '../logging';

// Seven engineers share two cores: start-up can take far longer than 5 s.
jest.setTimeout(120_000);

const secrets = { secretKey: 'k'.repeat(64), tokenSecret: 't'.repeat(64), encryptionKey: 'e'.repeat(64) };
const sa: RequestContext = {
  principal: { kind: 'user', userId: randomUUID(), accountId: SYSTEM_ACCOUNT_ID, email: 'root@x.test', role: 'admin', sessionId: 's', isSuperadmin: true },
  requestId: 'cid_test',
};
const tenant: RequestContext = { ...sa, principal: { ...sa.principal, accountId: randomUUID(), isSuperadmin: false } as RequestContext['principal'] };

async function failure(p: Promise<unknown>): Promise<{ status?: number; code?: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { status?: number; code?: string; message: string };
  }
  throw new Error('expected a rejection');
}

describe.each(TEST_DIALECTS)('collections core on %s', (dialect) => {
  let t: TestDatabase;
  let core: Core;

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    await t.db.destroy();
    const config = loadConfig({ env: { SNACKBASE_DATABASE_URL: t.url, SNACKBASE_STATIC_DIR: '/nonexistent' }, envFile: null });
    core = createCore({ config, secrets, logger: createLogger({ level: 'error', format: 'json', silent: true }), db: createDatabase({ url: t.url }) });
    await core.start();
  });
  afterAll(async () => {
    await core.close();
    await t.destroy();
  });

  it('creates several collections in one caller transaction; after-commit work waits for the caller', async () => {
    const later: Array<() => Promise<void>> = [];
    const afterCommit = (work: () => Promise<void>) => void later.push(work);
    await core.db.transaction(async (trx) => {
      await core.collections.create(sa, { name: 'authors', schema: [{ name: 'name', type: 'text' }] }, { trx, afterCommit });
      // The second sees the first (its reference target) inside the same transaction.
      expect(await core.collections.getByName(sa, 'AUTHORS', { trx })).toMatchObject({ name: 'authors', table_name: 'col_authors' });
      await core.collections.create(sa, { name: 'books', schema: [{ name: 'author', type: 'reference', collection: 'authors', on_delete: 'cascade' }] }, { trx, afterCommit });
    });
    expect(later).toHaveLength(2);
    for (const work of later) await work();
    expect((await core.catalog.byName('books'))?.fields[0]).toMatchObject({ name: 'author', collection: 'authors' });
  });

  it('leaves nothing behind when the caller’s transaction rolls back', async () => {
    await expect(
      core.db.transaction(async (trx) => {
        await core.collections.create(sa, { name: 'ghosts', schema: [{ name: 'a', type: 'text' }] }, { trx, afterCommit: () => undefined });
        throw new Error('import failed later');
      }),
    ).rejects.toThrow('import failed later');
    expect(await core.collections.getByName(sa, 'ghosts')).toBeUndefined();
    // The table went with it: the name can be created again.
    await core.collections.create(sa, { name: 'ghosts', schema: [{ name: 'b', type: 'text' }] });
  });

  it('refuses everyone but superadmins in core as well', async () => {
    expect(await failure(core.collections.list(tenant))).toMatchObject({ status: 403 });
    expect(await failure(core.collections.create({ principal: { kind: 'anonymous' }, requestId: 'x' }, { name: 'nope', schema: [{ name: 'a', type: 'text' }] }))).toMatchObject({ status: 401 });
    expect(await core.collections.getByName(sa, 'nope')).toBeUndefined();
  });
});
