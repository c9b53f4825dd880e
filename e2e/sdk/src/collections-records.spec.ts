/**
 * Collections, collection rules and records through the published `@snackbase/sdk@0.9.0`,
 * unchanged, against the BUILT server (`dist/apps/api/main.js`) on SQLite and PostgreSQL.
 * Two registered tenants (A and B) prove that records never cross accounts; an anonymous client
 * with `accountId` (the SDK's `X-Account-ID`) reads one account's public records. At the end,
 * `snackbase collections export/import` (the CLI of the same build) moves what the SDK made into
 * a fresh database.
 *
 * Reference: /work/shared/spec/sdk-wire.md §6 (collections, records, collectionRules).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuthorizationError, NotFoundError, type SnackBaseClient } from '@snackbase/sdk';
import { e2eDatabase, runCli, show, tempDir, TEST_DIALECTS, type TestDialect } from '@snackbase/testing';
import { ADMIN_EMAIL, caught, registerTenant, startSdkEnv, type SdkEnv, type Tenant } from './support/sdk-env';

type Row = Record<string, unknown>;

describe.each(TEST_DIALECTS as TestDialect[])('@snackbase/sdk 0.9.0 collections and records on %s', (dialect) => {
  let env: SdkEnv;
  let admin: SnackBaseClient;
  let A: Tenant;
  let B: Tenant;
  let postsId: string;
  let authorsId: string;

  beforeAll(async () => {
    env = await startSdkEnv(dialect);
    admin = await env.superadmin();
    A = await registerTenant(env, 'cra');
    B = await registerTenant(env, 'crb');
  }, 120_000);

  afterAll(async () => {
    await env?.stop();
  });

  describe('collections (superadmin)', () => {
    it('create, list, listNames, get, update (fields), delete', async () => {
      const authors = await admin.collections.create({
        name: 'authors',
        fields: [{ name: 'name', type: 'text', required: true }],
        list_rule: '',
        view_rule: '',
        create_rule: '',
        update_rule: '',
        delete_rule: '',
      });
      authorsId = authors.id;
      expect(authors.fields.map((f) => f.name)).toEqual(['name']);
      const posts = await admin.collections.create({
        name: 'posts',
        fields: [
          { name: 'title', type: 'text', required: true },
          { name: 'views', type: 'number' },
          { name: 'status', type: 'text', default: 'draft' },
          { name: 'author', type: 'reference', collection: 'authors', on_delete: 'set_null' },
        ],
        list_rule: '',
        view_rule: '',
        create_rule: '',
        update_rule: 'created_by = @request.auth.id',
        delete_rule: 'created_by = @request.auth.id',
      });
      postsId = posts.id;
      expect(posts.fields.map((f) => f.name)).toEqual(['title', 'views', 'status', 'author']);

      expect((await admin.collections.list()).map((c) => c.name)).toEqual(expect.arrayContaining(['authors', 'posts']));
      expect(await admin.collections.listNames()).toEqual(expect.arrayContaining(['authors', 'posts']));
      const got = await admin.collections.get(postsId);
      expect(got).toMatchObject({ id: postsId, name: 'posts' });
      expect(got.fields.find((f) => f.name === 'author')).toMatchObject({ type: 'reference', collection: 'authors', on_delete: 'set_null' });

      const updated = await admin.collections.update(postsId, { fields: [...got.fields, { name: 'summary', type: 'text' }] });
      expect(updated.fields.map((f) => f.name)).toEqual(['title', 'views', 'status', 'author', 'summary']);

      const temp = await admin.collections.create({ name: 'scratch', fields: [{ name: 'a', type: 'text' }] });
      expect(await admin.collections.delete(temp.id)).toEqual({ success: true });
      expect(await caught(admin.collections.get(temp.id))).toBeInstanceOf(NotFoundError);
    });

    it('a tenant cannot manage collections', async () => {
      expect(await caught(A.client.collections.list())).toBeInstanceOf(AuthorizationError);
      expect(await caught(A.client.collections.create({ name: 'sneaky', fields: [{ name: 'a', type: 'text' }] }))).toBeInstanceOf(AuthorizationError);
      expect(await admin.collections.listNames()).not.toContain('sneaky');
    });

    it('collectionRules: get and update by collection name', async () => {
      const rules = await admin.collectionRules.get('posts');
      expect(rules).toMatchObject({ list_rule: '', view_rule: '', create_rule: '', update_rule: 'created_by = @request.auth.id', list_fields: '*' });
      const changed = await admin.collectionRules.update('authors', { delete_rule: null });
      expect(changed).toMatchObject({ delete_rule: null, list_rule: '' });
      expect((await admin.collectionRules.get('authors')).delete_rule).toBeNull();
    });

    it('export and import (§3.7) through the SDK', async () => {
      const data = await admin.collections.export({ collection_ids: [authorsId] });
      expect(data.version).toBe('1.0');
      expect(data.collections.map((c) => c.name)).toEqual(['authors']);
      const result = await admin.collections.import({ data, strategy: 'skip' });
      expect(result).toMatchObject({ success: true, skipped_count: 1, imported_count: 0 });
    });
  });

  describe('records', () => {
    let author: Row & { id: string };
    const ids: string[] = [];

    beforeAll(async () => {
      author = await A.client.records.create('authors', { name: 'Ann' });
      for (const [title, views] of [
        ['one', 10],
        ['two', 20],
        ['three', 30],
      ] as const) {
        ids.push((await A.client.records.create('posts', { title, views, author: author.id })).id);
      }
    });

    it('create answers the record with its system fields and defaults', async () => {
      const r = await A.client.records.create<Row>('posts', { title: 'four', views: 40 });
      expect(r).toMatchObject({ title: 'four', views: 40, status: 'draft', account_id: A.accountId, created_by: A.userId });
      expect(typeof r.id).toBe('string');
      await A.client.records.delete('posts', r.id);
    });

    it('list: filter, sort, fields and expand', async () => {
      const page = await A.client.records.list<Row>('posts', { filter: 'views >= 20', sort: '-views', expand: 'author' });
      expect(page.total).toBe(2);
      expect(page.items.map((r) => r['title'])).toEqual(['three', 'two']);
      expect(page.items[0]?.['author']).toMatchObject({ id: author.id, name: 'Ann' });
      const slim = await A.client.records.list<Row>('posts', { fields: ['title'], sort: '+views' });
      expect(slim.items.map((r) => r['title'])).toEqual(['one', 'two', 'three']);
      expect(slim.items[0]).not.toHaveProperty('views');
      expect(slim.items[0]).toHaveProperty('id');
    });

    it('list: cursor pages forward and back', async () => {
      const first = await A.client.records.list<Row>('posts', { sort: '+views', limit: 2, cursor: '' });
      expect(first.items.map((r) => r['title'])).toEqual(['one', 'two']);
      expect(first.has_more).toBe(true);
      const second = await A.client.records.list<Row>('posts', { sort: '+views', limit: 2, cursor: first.next_cursor as string });
      expect(second.items.map((r) => r['title'])).toEqual(['three']);
      expect(second.has_more).toBe(false);
      const back = await A.client.records.list<Row>('posts', { sort: '+views', limit: 2, cursor_before: second.prev_cursor as string });
      expect(back.items.map((r) => r['title'])).toEqual(['one', 'two']);
    });

    it('get with expand; update (PUT), patch, delete', async () => {
      const got = await A.client.records.get<Row>('posts', ids[0] as string, { expand: 'author' });
      expect(got).toMatchObject({ id: ids[0], title: 'one', author: { name: 'Ann' } });
      const put = await A.client.records.update<Row>('posts', ids[0] as string, { title: 'uno', views: 11 });
      expect(put).toMatchObject({ title: 'uno', views: 11 });
      const patched = await A.client.records.patch<Row>('posts', ids[0] as string, { views: 12 });
      expect(patched).toMatchObject({ title: 'uno', views: 12 });
      const temp = await A.client.records.create('posts', { title: 'temp' });
      expect(await A.client.records.delete('posts', temp.id)).toEqual({ success: true });
      expect(await caught(A.client.records.get('posts', temp.id))).toBeInstanceOf(NotFoundError);
    });

    it('batch create, update and delete', async () => {
      const created = await A.client.records.batchCreate('posts', [{ title: 'b1', views: 1 }, { title: 'b2', views: 2 }, { title: 'b3', views: 3 }]);
      expect(created.count).toBe(3);
      const batchIds = created.created.map((r) => r.id);
      const updated = await A.client.records.batchUpdate('posts', batchIds.slice(0, 2).map((id) => ({ id, data: { status: 'batched' } })));
      expect(updated.count).toBe(2);
      expect(updated.updated.map((r) => (r as Row)['status'])).toEqual(['batched', 'batched']);
      const deleted = await A.client.records.batchDelete('posts', batchIds);
      expect(deleted).toMatchObject({ count: 3 });
      expect([...deleted.deleted].sort()).toEqual([...batchIds].sort());
      expect((await A.client.records.list('posts', { filter: 'title ~ "b%"' })).total).toBe(0);
    });

    it('aggregate', async () => {
      const agg = await A.client.records.aggregate('posts', { functions: 'count(),sum(views)', group_by: 'status' });
      expect(agg.total_groups).toBe(1);
      expect(agg.results[0]).toMatchObject({ status: 'draft', count: 3 });
      expect(Number(agg.results[0]?.['sum_views'])).toBe(12 + 20 + 30);
    });

    it('account B never sees, counts or changes account A’s records', async () => {
      expect((await B.client.records.list('posts')).total).toBe(0);
      expect(await caught(B.client.records.get('posts', ids[1] as string))).toBeInstanceOf(NotFoundError);
      expect(await caught(B.client.records.patch('posts', ids[1] as string, { title: 'hijacked' }))).toBeInstanceOf(NotFoundError);
      expect(await caught(B.client.records.delete('posts', ids[1] as string))).toBeInstanceOf(NotFoundError);
      const agg = await B.client.records.aggregate('posts', { functions: 'count()' });
      expect(agg.results[0]).toMatchObject({ count: 0 });
      expect((await A.client.records.get<Row>('posts', ids[1] as string))['title']).toBe('two');
    });

    it('B’s own records live in B: B may change them, A gets a 404 as for a missing id', async () => {
      const foreign = await B.client.records.create('posts', { title: 'bees' });
      expect(await B.client.records.patch<Row>('posts', foreign.id, { views: 5 })).toMatchObject({ title: 'bees', views: 5 });
      expect(await caught(A.client.records.patch('posts', foreign.id, { title: 'x' }))).toBeInstanceOf(NotFoundError);
      expect(await caught(A.client.records.get('posts', foreign.id))).toBeInstanceOf(NotFoundError);
    });

    it('anonymous with X-Account-ID (the SDK’s accountId) reads that account’s public records only', async () => {
      const anonA = env.client({ accountId: A.slug });
      const page = await anonA.records.list<Row>('posts', { sort: '+views' });
      expect(page.items.map((r) => r['title'])).toEqual(['uno', 'two', 'three']);
      const anonB = env.client({ accountId: B.slug });
      expect((await anonB.records.list<Row>('posts')).items.map((r) => r['title'])).toEqual(['bees']);
      expect(await caught(anonB.records.get('posts', ids[1] as string))).toBeInstanceOf(NotFoundError);
    });
  });

  describe('CLI: snackbase collections export / import', () => {
    it('exports with records (progress lines) and imports into a fresh database: error = all or nothing, skip', async () => {
      const out = join(tempDir(), 'export.json');
      const fromServer = { SNACKBASE_DATABASE_URL: env.server.databaseUrl };
      const exported = runCli(['collections', 'export', '--out', out, '--records', '--as', ADMIN_EMAIL], { cwd: env.server.cwd, env: fromServer });
      expect(exported.status).toBe(0);
      expect(exported.stdout).toMatch(/^collection 1\/2 authors$/m);
      expect(exported.stdout).toMatch(/^ {2}posts: \d+ records$/m);
      const file = JSON.parse(readFileSync(out, 'utf8')) as { collections: { name: string; records: Row[] }[] };
      expect(file.collections.map((c) => c.name)).toEqual(['authors', 'posts']);
      const accounts = new Set(file.collections[1]?.records.map((r) => r['account_id']));
      expect(accounts).toEqual(new Set([A.accountId, B.accountId]));

      const fresh = await e2eDatabase(dialect);
      try {
        const cwd = tempDir();
        const into = { SNACKBASE_DATABASE_URL: fresh.url };
        const admin2 = runCli(['create-superadmin', '--email', 'cli@sdk.test', '--password', 'Cli-Admin-Pass-1!'], { cwd, env: into });
        expect(admin2.status).toBe(0);
        const imported = runCli(['collections', 'import', out], { cwd, env: into, timeoutMs: 60_000 });
        expect({ status: imported.status, out: imported.stdout }).toMatchObject({ status: 0 });
        expect(imported.stdout).toMatch(/^collection 1\/2 authors \[imported\]$/m);
        expect(imported.stdout).toMatch(/^collection 2\/2 posts \[imported\]$/m);
        // Neither tenant exists in the fresh database: their records are reported, never inserted.
        expect(imported.stdout).toContain('not imported: account does not exist');
        expect(imported.stdout).toMatch(/imported 2, updated 0, skipped 0, failed 0 collection\(s\); 0 record\(s\) imported/);

        const again = runCli(['collections', 'import', out], { cwd, env: into });
        expect(again.status).toBe(2);
        expect(again.stderr).toContain('already exists; nothing was imported');
        const skipped = runCli(['collections', 'import', out, '--strategy', 'skip'], { cwd, env: into });
        expect(skipped.status).toBe(0);
        expect(skipped.stdout).toContain('imported 0, updated 0, skipped 2, failed 0');
        const bad = runCli(['collections', 'import', out, '--strategy', 'merge'], { cwd, env: into });
        expect(bad.status).toBe(2);
        expect(show(bad)).toContain('--strategy must be one of error, skip, update');
      } finally {
        await fresh.destroy();
      }
    }, 180_000);
  });
});
