import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '@snackbase/testing';
import { createDatabase, type SnackDatabase } from '../create-database';
import { migrateToLatest } from '../migrate';
import { alterCollectionTable } from './alter-collection-table';
import type { CollectionColumn, CollectionTableChange } from './collection-column';
import { createCollectionTable } from './create-collection-table';

const col = (name: string, type: CollectionColumn['type'], extra: Partial<CollectionColumn> = {}): CollectionColumn => ({
  name,
  type,
  required: false,
  unique: false,
  ...extra,
});
const ref = (name: string, table: string, onDelete: 'cascade' | 'set_null' | 'restrict', extra: Partial<CollectionColumn> = {}) =>
  col(name, 'reference', { references: { table, onDelete }, ...extra });

describe.each(TEST_DIALECTS)('alterCollectionTable on %s', (dialect) => {
  let t: TestDatabase;
  let db: SnackDatabase;
  const accountA = randomUUID();
  const accountB = randomUUID();
  let n = 0;
  let seq = 0;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const k = () => db.kysely as any;

  const insert = async (table: string, values: Record<string, unknown>, account = accountA) => {
    const id = (values['id'] as string | undefined) ?? randomUUID();
    await k()
      .insertInto(table)
      // Distinct creation times, so rows() lists them in insertion order on both dialects.
      .values({ account_id: account, created_by: 'u1', updated_by: 'u1', created_at: new Date(Date.UTC(2024, 0, 1) + ++seq * 1000).toISOString(), ...values, id })
      .execute();
    return id;
  };
  const rows = async (table: string) => (await k().selectFrom(table).selectAll().orderBy('created_at').orderBy('id').execute()) as Record<string, unknown>[];
  const columnsOf = async (table: string) => {
    const result =
      dialect === 'postgres'
        ? await sql<{ name: string }>`select column_name as name from information_schema.columns where table_name = ${table} order by column_name`.execute(db.kysely)
        : await sql<{ name: string }>`select name from pragma_table_info(${table}) order by name`.execute(db.kysely);
    return result.rows.map((r) => r.name);
  };
  /** A fresh table with the given columns, created in its own transaction. */
  const table = async (columns: CollectionColumn[]) => {
    const name = `col_t${++n}`;
    await db.transaction((trx) => createCollectionTable(trx, dialect, name, columns));
    return name;
  };
  const alter = (name: string, change: CollectionTableChange) => db.transaction((trx) => alterCollectionTable(trx, dialect, name, change));
  /** Expects the change to be refused with `code`/`field`, leaving columns and rows as they were. */
  const expectRefused = async (name: string, change: CollectionTableChange, code: string, field: string) => {
    const columns = await columnsOf(name);
    const data = await rows(name);
    await expect(alter(name, change)).rejects.toMatchObject({ code, field });
    expect(await columnsOf(name)).toEqual(columns);
    expect(await rows(name)).toEqual(data);
  };

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    await t.db.destroy();
    db = createDatabase({ url: t.url });
    await migrateToLatest(db);
    await db.kysely
      .insertInto('accounts')
      .values([
        { id: accountA, account_code: 'AA0001', slug: 'acct-a', name: 'A' },
        { id: accountB, account_code: 'BB0001', slug: 'acct-b', name: 'B' },
      ])
      .execute();
  });
  afterAll(async () => {
    await db.close();
    await t.destroy();
  });

  describe('adding fields', () => {
    it('adds an optional field; existing rows read NULL', async () => {
      const before = [col('title', 'text')];
      const name = await table(before);
      await insert(name, { title: 'a' });
      await alter(name, { before, after: [...before, col('body', 'text')] });
      expect(await rows(name)).toMatchObject([{ title: 'a', body: null }]);
    });

    it('adds a required field with a default, filling existing rows', async () => {
      const before = [col('title', 'text')];
      const name = await table(before);
      await insert(name, { title: 'a' });
      await alter(name, { before, after: [...before, col('views', 'number', { required: true, default: 7 })] });
      expect(await rows(name)).toMatchObject([{ title: 'a', views: 7 }]);
      await expect(insert(name, { title: 'b', views: null })).rejects.toMatchObject({ message: expect.stringMatching(/null/i) });
    });

    it('refuses a required field without default on a non-empty table', async () => {
      const before = [col('title', 'text')];
      const name = await table(before);
      await insert(name, { title: 'a' });
      await expectRefused(name, { before, after: [...before, col('must', 'text', { required: true })] }, 'not_null_violation', 'must');
    });

    it('adds a required field without default to an empty table, enforced', async () => {
      const before = [col('title', 'text')];
      const name = await table(before);
      await alter(name, { before, after: [...before, col('must', 'text', { required: true })] });
      await expect(insert(name, { title: 'x' })).rejects.toMatchObject({ message: expect.stringMatching(/null/i) });
      await insert(name, { title: 'x', must: 'y' });
    });

    it('adds a reference field that really references', async () => {
      const target = await table([col('name', 'text')]);
      const before = [col('title', 'text')];
      const name = await table(before);
      await insert(name, { title: 'a' });
      await alter(name, { before, after: [...before, ref('owner', target, 'cascade')] });
      const owner = await insert(target, { name: 'o' });
      await insert(name, { title: 'b', owner });
      await expect(insert(name, { title: 'c', owner: randomUUID() })).rejects.toMatchObject({ message: expect.stringMatching(/foreign key/i) });
      await k().deleteFrom(target).where('id', '=', owner).execute();
      expect((await rows(name)).map((r) => r['title'])).toEqual(['a']);
    });

    it('refuses a reference to a table that does not exist', async () => {
      const before = [col('title', 'text')];
      const name = await table(before);
      await expectRefused(name, { before, after: [...before, ref('ghost', 'col_ghost', 'cascade')] }, 'missing_reference_table', 'ghost');
    });

    it('refuses an invalid default or name', async () => {
      const before = [col('title', 'text')];
      const name = await table(before);
      await expectRefused(name, { before, after: [...before, col('n', 'number', { default: 'x' })] }, 'invalid_default', 'n');
      await expectRefused(name, { before, after: [...before, col('bad-name', 'text')] }, 'invalid_name', 'bad-name');
    });
  });

  describe('removing and renaming fields', () => {
    it('removes a field, keeping the others', async () => {
      const before = [col('title', 'text'), col('tag', 'text', { unique: true }), col('n', 'number')];
      const name = await table(before);
      await insert(name, { title: 'a', tag: 't', n: 1 });
      await alter(name, { before, after: [before[0] as CollectionColumn, before[2] as CollectionColumn] });
      expect(await columnsOf(name)).not.toContain('tag');
      expect(await rows(name)).toMatchObject([{ title: 'a', n: 1 }]);
    });

    it('removes a reference field', async () => {
      const target = await table([col('name', 'text')]);
      const before = [col('title', 'text'), ref('owner', target, 'restrict')];
      const name = await table(before);
      const owner = await insert(target, { name: 'o' });
      await insert(name, { title: 'a', owner });
      await alter(name, { before, after: [before[0] as CollectionColumn] });
      expect(await columnsOf(name)).not.toContain('owner');
      // The restricting foreign key went with the column.
      await k().deleteFrom(target).where('id', '=', owner).execute();
      expect(await rows(name)).toMatchObject([{ title: 'a' }]);
    });

    it('renames a field, keeping its data, index and constraints', async () => {
      const before = [col('title', 'text', { unique: true, required: true })];
      const name = await table(before);
      await insert(name, { title: 'a' });
      await alter(name, { before, after: [col('headline', 'text', { unique: true, required: true })], renamed: { headline: 'title' } });
      expect(await columnsOf(name)).toContain('headline');
      expect(await columnsOf(name)).not.toContain('title');
      expect(await rows(name)).toMatchObject([{ headline: 'a' }]);
      await expect(insert(name, { headline: 'a' })).rejects.toMatchObject({ message: expect.stringMatching(/unique|duplicate/i) });
      await expect(insert(name, { headline: null })).rejects.toMatchObject({ message: expect.stringMatching(/null/i) });
    });

    it('swaps two field names', async () => {
      const before = [col('a', 'text'), col('b', 'text')];
      const name = await table(before);
      await insert(name, { a: 'was a', b: 'was b' });
      await alter(name, { before, after: [col('b', 'text'), col('a', 'text')], renamed: { b: 'a', a: 'b' } });
      expect(await rows(name)).toMatchObject([{ a: 'was b', b: 'was a' }]);
    });

    it('drops a field and adds another under the same name', async () => {
      const before = [col('x', 'text')];
      const name = await table(before);
      await insert(name, { x: 'old' });
      await alter(name, { before, after: [col('y', 'text'), col('x', 'number')], renamed: { y: 'x' } });
      expect(await rows(name)).toMatchObject([{ y: 'old', x: null }]);
    });

    it('renames a reference field, keeping its foreign key', async () => {
      const target = await table([col('name', 'text')]);
      const before = [ref('owner', target, 'cascade')];
      const name = await table(before);
      const owner = await insert(target, { name: 'o' });
      await insert(name, { owner });
      await alter(name, { before, after: [ref('author', target, 'cascade')], renamed: { author: 'owner' } });
      expect(await rows(name)).toMatchObject([{ author: owner }]);
      await expect(insert(name, { author: randomUUID() })).rejects.toMatchObject({ message: expect.stringMatching(/foreign key/i) });
      await k().deleteFrom(target).where('id', '=', owner).execute();
      expect(await rows(name)).toHaveLength(0);
    });

    it('renames a field by case only', async () => {
      const before = [col('title', 'text')];
      const name = await table(before);
      await insert(name, { title: 'a' });
      await alter(name, { before, after: [col('Title', 'text')], renamed: { Title: 'title' } });
      expect(await rows(name)).toMatchObject([{ Title: 'a' }]);
    });

    it('refuses a rename from a field that does not exist', async () => {
      const before = [col('x', 'text')];
      const name = await table(before);
      await expectRefused(name, { before, after: [col('y', 'text')], renamed: { y: 'nope' } }, 'invalid_name', 'y');
    });
  });

  describe('required', () => {
    it('refuses required over NULLs without default', async () => {
      const before = [col('title', 'text')];
      const name = await table(before);
      await insert(name, { title: null });
      await expectRefused(name, { before, after: [col('title', 'text', { required: true })] }, 'not_null_violation', 'title');
    });

    it('makes a field required, filling NULLs with the default', async () => {
      const before = [col('title', 'text'), col('flag', 'boolean')];
      const name = await table(before);
      await insert(name, { title: 'kept', flag: null });
      await insert(name, { title: null, flag: true });
      await alter(name, { before, after: [col('title', 'text', { required: true, default: 'untitled' }), col('flag', 'boolean', { required: true, default: false })] });
      const data = await rows(name);
      expect(data.map((r) => r['title'])).toEqual(['kept', 'untitled']);
      expect(data.map((r) => Boolean(r['flag']))).toEqual([false, true]);
      await expect(insert(name, { title: null })).rejects.toMatchObject({ message: expect.stringMatching(/null/i) });
    });

    it('makes a required field optional', async () => {
      const before = [col('title', 'text', { required: true })];
      const name = await table(before);
      await insert(name, { title: 'a' });
      await alter(name, { before, after: [col('title', 'text')] });
      await insert(name, { title: null });
      expect((await rows(name)).map((r) => r['title'])).toEqual(['a', null]);
    });
  });

  describe('unique (per account)', () => {
    it('refuses unique over a value repeated within one account', async () => {
      const before = [col('slug', 'text')];
      const name = await table(before);
      await insert(name, { slug: 'same' });
      await insert(name, { slug: 'same' });
      await expectRefused(name, { before, after: [col('slug', 'text', { unique: true })] }, 'unique_violation', 'slug');
    });

    it('makes a field unique within each account, not across accounts', async () => {
      const before = [col('slug', 'text')];
      const name = await table(before);
      await insert(name, { slug: 'same' }, accountA);
      await insert(name, { slug: 'same' }, accountB);
      await alter(name, { before, after: [col('slug', 'text', { unique: true })] });
      await expect(insert(name, { slug: 'same' }, accountA)).rejects.toMatchObject({ message: expect.stringMatching(/unique|duplicate/i) });
      await insert(name, { slug: 'other' }, accountB);
    });

    it('refuses required-with-default on a unique field when the filled NULLs would collide', async () => {
      const before = [col('slug', 'text', { unique: true })];
      const name = await table(before);
      await insert(name, { slug: null });
      await insert(name, { slug: null });
      await expectRefused(name, { before, after: [col('slug', 'text', { unique: true, required: true, default: 'x' })] }, 'unique_violation', 'slug');
    });

    it('refuses a new unique field with a default when an account has several rows', async () => {
      const before = [col('title', 'text')];
      const name = await table(before);
      await insert(name, { title: 'a' });
      await insert(name, { title: 'b' });
      await expectRefused(name, { before, after: [...before, col('code', 'text', { unique: true, default: 'same' })] }, 'unique_violation', 'code');
    });

    it('drops unique', async () => {
      const before = [col('slug', 'text', { unique: true })];
      const name = await table(before);
      await insert(name, { slug: 'same' });
      await alter(name, { before, after: [col('slug', 'text')] });
      await insert(name, { slug: 'same' });
      expect(await rows(name)).toHaveLength(2);
    });
  });

  describe('defaults and references', () => {
    it('changes and removes a default', async () => {
      const before = [col('status', 'text', { default: 'draft' })];
      const name = await table(before);
      await insert(name, {});
      const changed = [col('status', 'text', { default: "it's live" })];
      await alter(name, { before, after: changed });
      await insert(name, {});
      await alter(name, { before: changed, after: [col('status', 'text')] });
      await insert(name, {});
      expect((await rows(name)).map((r) => r['status'])).toEqual(['draft', "it's live", null]);
    });

    it('changes on_delete from cascade to restrict', async () => {
      const target = await table([col('name', 'text')]);
      const before = [ref('owner', target, 'cascade')];
      const name = await table(before);
      const owner = await insert(target, { name: 'o' });
      await insert(name, { owner });
      await alter(name, { before, after: [ref('owner', target, 'restrict')] });
      await expect(k().deleteFrom(target).where('id', '=', owner).execute()).rejects.toMatchObject({ message: expect.stringMatching(/foreign key/i) });
      expect(await rows(name)).toHaveLength(1);
    });
  });

  it('deletes an account whose collections restrict each other, whatever the table order', async () => {
    const account = randomUUID();
    await db.kysely.insertInto('accounts').values({ id: account, account_code: 'RR0001', slug: 'acct-r', name: 'R' }).execute();
    const before = [col('title', 'text')];
    const early = await table(before);
    const late = await table([col('name', 'text')]);
    await alter(early, { before, after: [...before, ref('late', late, 'restrict')] });
    const target = await insert(late, { name: 'x' }, account);
    await insert(early, { late: target }, account);
    await expect(k().deleteFrom(late).where('id', '=', target).execute()).rejects.toMatchObject({ message: expect.stringMatching(/foreign key/i) });
    await db.kysely.deleteFrom('accounts').where('id', '=', account).execute();
    expect(await rows(early)).toHaveLength(0);
    expect(await rows(late)).toHaveLength(0);
  });

  describe('tables that reference the altered one', () => {
    it('keeps child rows and their foreign keys through a change that rebuilds the parent on SQLite', async () => {
      const parentBefore = [col('name', 'text')];
      const parent = await table(parentBefore);
      const child = await table([ref('p_c', parent, 'cascade'), ref('p_n', parent, 'set_null'), ref('p_r', parent, 'restrict', { required: true, unique: true })]);
      const grandchild = await table([ref('kid', child, 'cascade')]);
      const p1 = await insert(parent, { name: 'one' });
      const p2 = await insert(parent, { name: null });
      const kid = await insert(child, { p_c: p1, p_n: p1, p_r: p2 });
      await insert(grandchild, { kid });
      // required + default: a rebuild on SQLite (ALTER cannot add NOT NULL to a column).
      await alter(parent, { before: parentBefore, after: [col('name', 'text', { required: true, default: 'anon' })] });
      expect((await rows(parent)).map((r) => r['name'])).toEqual(['one', 'anon']);
      expect(await rows(child)).toMatchObject([{ id: kid, p_c: p1, p_n: p1, p_r: p2 }]);
      expect(await rows(grandchild)).toMatchObject([{ kid }]);
      // The child's foreign keys still point at the (rebuilt) parent and still act.
      await expect(insert(child, { p_r: randomUUID() })).rejects.toMatchObject({ message: expect.stringMatching(/foreign key/i) });
      await expect(k().deleteFrom(parent).where('id', '=', p2).execute()).rejects.toMatchObject({ message: expect.stringMatching(/foreign key/i) });
      await k().deleteFrom(parent).where('id', '=', p1).execute();
      expect(await rows(child)).toHaveLength(0);
      expect(await rows(grandchild)).toHaveLength(0);
    });

    it('keeps a self-reference through a rebuild', async () => {
      const name = `col_t${++n}`;
      const before = [col('title', 'text'), ref('parent', name, 'cascade')];
      await db.transaction((trx) => createCollectionTable(trx, dialect, name, before));
      const root = await insert(name, { title: 'root' });
      await insert(name, { title: 'leaf', parent: root });
      await alter(name, { before, after: [col('title', 'text', { default: 'x' }), ref('parent', name, 'cascade')] });
      expect((await rows(name)).map((r) => r['title'])).toEqual(['root', 'leaf']);
      await k().deleteFrom(name).where('id', '=', root).execute();
      expect(await rows(name)).toHaveLength(0);
    });
  });

  it('rolls back with the caller transaction', async () => {
    const before = [col('title', 'text')];
    const name = await table(before);
    await insert(name, { title: 'a' });
    await expect(
      db.transaction(async (trx) => {
        await alterCollectionTable(trx, dialect, name, { before, after: [col('title', 'text', { required: true, default: 'z' }), col('extra', 'text')] });
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await columnsOf(name)).not.toContain('extra');
    await insert(name, { title: null });
  });
});
