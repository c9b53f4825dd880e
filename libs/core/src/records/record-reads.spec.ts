import { randomUUID } from 'node:crypto';
import { createCollectionTable, createDatabase } from '@snackbase/db';
import { accountScope, dynamicTenantTable } from '@snackbase/tenancy';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '@snackbase/testing';
import { loadConfig } from '../config';
import type { RequestContext } from '../context';
import { createCore, type Core } from '../create-core';
import { createLogger } from '../logging';

jest.setTimeout(120_000);

/**
 * The read path's cost: after the caches are warm, a list is ONE statement plus the COUNT, a
 * view one, each expanded reference field one per level, an aggregate one.
 */
describe.each(TEST_DIALECTS)('record reads: statements per request on %s', (dialect) => {
  let t: TestDatabase;
  let core: Core;
  const statements: string[] = [];
  const accountId = randomUUID();
  const userId = randomUUID();
  const ctx: RequestContext = { principal: { kind: 'user', userId, accountId, email: 'u@acme.test', role: 'user', sessionId: 's', isSuperadmin: false }, requestId: 'cid_t' };
  let postId = '';

  async function define(name: string, fields: object[], listRule: string) {
    const id = randomUUID();
    await core.db.transaction(async (trx) => {
      await trx.insertInto('collections').values({ id, name, schema: JSON.stringify(fields), migration_revision: null }).execute();
      await trx.insertInto('collection_rules').values({ id: randomUUID(), collection_id: id, list_rule: listRule, view_rule: listRule }).execute();
      const columns = (fields as { name: string; type: string; collection?: string }[]).map((f) => ({
        name: f.name,
        type: f.type as 'text',
        required: false,
        unique: false,
        ...(f.collection ? { references: { table: `col_${f.collection}`, onDelete: 'set_null' as const } } : {}),
      }));
      await createCollectionTable(trx, dialect, `col_${name}`, columns);
    });
  }

  /** Statements `fn` runs, once caches are warm (it runs twice; the second run is counted). */
  async function count(fn: () => Promise<unknown>): Promise<number> {
    await fn();
    statements.length = 0;
    await fn();
    return statements.length;
  }

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    await t.db.destroy();
    const config = loadConfig({ envFile: null, env: { SNACKBASE_DATABASE_URL: t.url, SNACKBASE_STATIC_DIR: '/nonexistent' } });
    core = createCore({
      config,
      secrets: { secretKey: 'k'.repeat(64), tokenSecret: 't'.repeat(64), encryptionKey: 'e'.repeat(64) },
      logger: createLogger({ level: 'error', format: 'json', silent: true }),
      db: createDatabase({ url: t.url, onQuery: (text) => statements.push(text) }),
    });
    await core.start();
    await core.db.kysely.insertInto('accounts').values({ id: accountId, account_code: 'AC0001', slug: 'acme', name: 'Acme' }).execute();
    await define('authors', [{ name: 'name', type: 'text' }], '');
    await define('posts', [{ name: 'title', type: 'text' }, { name: 'author', type: 'reference', collection: 'authors' }], 'created_by = @request.auth.id');
    const authors = dynamicTenantTable(core.db.kysely, accountScope(accountId), 'col_authors');
    const posts = dynamicTenantTable(core.db.kysely, accountScope(accountId), 'col_posts');
    for (let i = 0; i < 3; i++) {
      const author = randomUUID();
      await authors.insert({ id: author, name: `a${i}`, created_by: userId, updated_by: userId }).execute();
      postId = randomUUID();
      await posts.insert({ id: postId, title: `p${i}`, author, created_by: userId, updated_by: userId }).execute();
    }
    core.catalog.invalidate();
  });
  afterAll(async () => {
    await core?.close();
    await t?.destroy();
  });

  it('list: the page and the COUNT; with skip_total only the page', async () => {
    expect(await count(() => core.recordReads.list(ctx, 'posts', { filter: 'title != "x"' }))).toBe(2);
    expect(await count(() => core.recordReads.list(ctx, 'posts', { skip_total: 'true' }))).toBe(1);
    expect(await count(() => core.recordReads.list(ctx, 'posts', { cursor: '' }))).toBe(1);
  });

  it('view: one statement; expand: one more per reference field and level', async () => {
    expect(await count(() => core.recordReads.view(ctx, 'posts', postId, {}))).toBe(1);
    expect(await count(() => core.recordReads.list(ctx, 'posts', { expand: 'author', skip_total: 'true' }))).toBe(2);
    const page = await core.recordReads.list(ctx, 'posts', { expand: 'author' });
    expect(page.items.every((p) => typeof (p['author'] as { name?: unknown }).name === 'string')).toBe(true);
  });

  it('aggregate: one statement', async () => {
    expect(await count(() => core.recordReads.aggregate(ctx, 'posts', { functions: 'count()', group_by: 'author' }))).toBe(1);
  });
});
