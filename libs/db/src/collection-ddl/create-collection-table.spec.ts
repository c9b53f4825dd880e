import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '@snackbase/testing';
import { createDatabase, type SnackDatabase } from '../create-database';
import { fromDbBool, fromDbJson } from '../column-types';
import { translateDbError } from '../db-error';
import { migrateToLatest } from '../migrate';
import type { CollectionColumn } from './collection-column';
import { collectionIndexes } from './collection-indexes';
import { createCollectionTable, dropCollectionTable } from './create-collection-table';
import { tableExists } from './table-checks';

const col = (name: string, type: CollectionColumn['type'], extra: Partial<CollectionColumn> = {}): CollectionColumn => ({
  name,
  type,
  required: false,
  unique: false,
  ...extra,
});

describe.each(TEST_DIALECTS)('createCollectionTable on %s', (dialect) => {
  let t: TestDatabase;
  let db: SnackDatabase;
  const accountA = randomUUID();
  const accountB = randomUUID();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const k = () => db.kysely as any;

  const insert = (table: string, account: string, values: Record<string, unknown>) =>
    k()
      .insertInto(table)
      .values({ id: randomUUID(), account_id: account, created_by: 'u1', updated_by: 'u1', ...values })
      .execute();

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

  it('creates a table whose every type round-trips, with defaults filled in', async () => {
    const columns = [
      col('title', 'text', { required: true }),
      col('views', 'number', { default: 3 }),
      col('published', 'boolean', { default: false }),
      col('at', 'datetime'),
      col('day', 'date', { default: '2024-02-29' }),
      col('mail', 'email'),
      col('site', 'url', { default: "it's a 'quoted' url" }),
      col('meta', 'json', { default: { a: [1, 'x'] } }),
      col('attachment', 'file'),
    ];
    await db.transaction((trx) => createCollectionTable(trx, dialect, 'col_types', columns));
    const id = randomUUID();
    await k()
      .insertInto('col_types')
      .values({
        id,
        account_id: accountA,
        created_by: 'u1',
        updated_by: 'u1',
        title: 'Hello',
        at: '2024-01-02T03:04:05.678Z',
        mail: 'a@b.co',
        attachment: JSON.stringify({ filename: 'a.txt', size: 1, mime_type: 'text/plain', path: 'p' }),
      })
      .execute();
    const row = await k().selectFrom('col_types').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ title: 'Hello', views: 3, day: '2024-02-29', mail: 'a@b.co', site: "it's a 'quoted' url", at: '2024-01-02T03:04:05.678Z' });
    expect(fromDbBool(row.published)).toBe(false);
    expect(fromDbJson(row.meta, null)).toEqual({ a: [1, 'x'] });
    expect(fromDbJson(row.attachment, null)).toMatchObject({ filename: 'a.txt' });
    expect(typeof row.created_at).toBe('string');
    expect(row.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    await expect(insert('col_types', accountA, { title: null })).rejects.toMatchObject({ message: expect.stringMatching(/null/i) });
  });

  it('keeps unique values unique per account, never across accounts', async () => {
    await db.transaction((trx) => createCollectionTable(trx, dialect, 'col_slugs', [col('slug', 'text', { unique: true })]));
    await insert('col_slugs', accountA, { slug: 'same' });
    await insert('col_slugs', accountB, { slug: 'same' });
    await insert('col_slugs', accountA, { slug: null });
    await insert('col_slugs', accountA, { slug: null });
    const error = await insert('col_slugs', accountA, { slug: 'same' }).catch((e: unknown) => e);
    expect(translateDbError(error)?.kind).toBe('unique');
    const count = await sql<{ n: number }>`select count(*) as n from col_slugs`.execute(db.kysely);
    expect(Number(count.rows[0]?.n)).toBe(4);
  });

  it('creates the indexes, all leading with account_id', async () => {
    await db.transaction((trx) =>
      createCollectionTable(trx, dialect, 'col_indexed', [col('owner', 'text', { unique: true }), col('parent', 'reference', { references: { table: 'col_indexed', onDelete: 'cascade' } })]),
    );
    const expected = collectionIndexes('col_indexed', [col('owner', 'text', { unique: true }), col('parent', 'reference', { references: { table: 'col_indexed', onDelete: 'cascade' } })]);
    expect(expected.map((i) => i.columns[0])).toEqual(['account_id', 'account_id', 'account_id', 'account_id']);
    const names =
      dialect === 'postgres'
        ? (await sql<{ name: string }>`select indexname as name from pg_indexes where tablename = 'col_indexed'`.execute(db.kysely)).rows.map((r) => r.name)
        : (await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'col_indexed' and sql is not null`.execute(db.kysely)).rows.map((r) => r.name);
    for (const index of expected) expect(names).toContain(index.name);
    expect(expected.every((i) => i.name.length <= 63)).toBe(true);
  });

  it('derives short deterministic index names for long tables and fields', () => {
    const long = `col_${'a'.repeat(60)}`;
    const field = `f${'b'.repeat(63)}`;
    const first = collectionIndexes(long, [col(field, 'text', { unique: true })]);
    const second = collectionIndexes(long, [col(field, 'text', { unique: true })]);
    expect(first.map((i) => i.name)).toEqual(second.map((i) => i.name));
    expect(first.every((i) => i.name.length <= 63)).toBe(true);
    expect(new Set(first.map((i) => i.name)).size).toBe(first.length);
    // Underscores alone would make these two the same name.
    expect(collectionIndexes('col_a', [col('b_c', 'text', { unique: true })])[2]?.name).not.toBe(
      collectionIndexes('col_a_b', [col('c', 'text', { unique: true })])[2]?.name,
    );
  });

  describe('references', () => {
    beforeAll(async () => {
      await db.transaction(async (trx) => {
        await createCollectionTable(trx, dialect, 'col_authors', [col('name', 'text')]);
        await createCollectionTable(trx, dialect, 'col_books', [
          col('author_c', 'reference', { references: { table: 'col_authors', onDelete: 'cascade' } }),
          col('author_n', 'reference', { references: { table: 'col_authors', onDelete: 'set_null' } }),
          col('author_r', 'reference', { references: { table: 'col_authors', onDelete: 'restrict' } }),
        ]);
      });
    });

    const author = async () => {
      const id = randomUUID();
      await insert('col_authors', accountA, { id, name: 'x' });
      return id;
    };
    const books = async (column: string, id: string) => (await k().selectFrom('col_books').selectAll().where(column, '=', id).execute()) as Record<string, unknown>[];

    it('cascade deletes the referencing rows', async () => {
      const a = await author();
      await insert('col_books', accountA, { author_c: a });
      await k().deleteFrom('col_authors').where('id', '=', a).execute();
      expect(await books('author_c', a)).toHaveLength(0);
    });

    it('set_null nulls the referencing column', async () => {
      const a = await author();
      const id = randomUUID();
      await insert('col_books', accountA, { id, author_n: a });
      await k().deleteFrom('col_authors').where('id', '=', a).execute();
      const row = await k().selectFrom('col_books').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(row.author_n).toBeNull();
    });

    it('restrict refuses to delete a referenced row', async () => {
      const a = await author();
      await insert('col_books', accountA, { author_r: a });
      const error = await k().deleteFrom('col_authors').where('id', '=', a).execute().catch((e: unknown) => e);
      expect(translateDbError(error)?.kind).toBe('foreign_key');
      expect(await books('author_r', a)).toHaveLength(1);
    });

    it('deleting an account deletes its rows even where they restrict each other', async () => {
      const other = randomUUID();
      await db.kysely.insertInto('accounts').values({ id: other, account_code: 'DD0001', slug: 'acct-d', name: 'D' }).execute();
      const a = randomUUID();
      await insert('col_authors', other, { id: a, name: 'x' });
      await insert('col_books', other, { author_r: a });
      await db.kysely.deleteFrom('accounts').where('id', '=', other).execute();
      expect(await k().selectFrom('col_books').selectAll().where('account_id', '=', other).execute()).toHaveLength(0);
    });

    it('refuses a reference to a row that does not exist', async () => {
      const error = await insert('col_books', accountA, { author_c: randomUUID() }).catch((e: unknown) => e);
      expect(translateDbError(error)?.kind).toBe('foreign_key');
    });

    it('deleting an account deletes its rows', async () => {
      const other = randomUUID();
      await db.kysely.insertInto('accounts').values({ id: other, account_code: 'CC0001', slug: 'acct-c', name: 'C' }).execute();
      await insert('col_authors', other, { name: 'gone' });
      await db.kysely.deleteFrom('accounts').where('id', '=', other).execute();
      expect(await k().selectFrom('col_authors').selectAll().where('account_id', '=', other).execute()).toHaveLength(0);
    });
  });

  describe('refusals (nothing created)', () => {
    const refused = async (table: string, columns: CollectionColumn[]) => {
      const error = await db.transaction((trx) => createCollectionTable(trx, dialect, table, columns)).catch((e: unknown) => e);
      expect(await tableExists(db.kysely, dialect, table.startsWith('col_') ? table : 'col_never')).toBe(false);
      return error;
    };

    it.each([['posts'], ['col_Posts'], ['col_a;drop table accounts'], ['col_' + 'a'.repeat(64)]])('refuses the table name %s', async (table) => {
      expect(await refused(table, [col('title', 'text')])).toMatchObject({ code: 'invalid_name' });
    });

    it.each([['1abc'], ['a-b'], ['a"b'], ['id'], ['Account_ID'], ['x'.repeat(65)]])('refuses the field name %s', async (name) => {
      expect(await refused('col_badfield', [col(name, 'text')])).toMatchObject({ code: 'invalid_name' });
    });

    it('refuses two fields differing only by case', async () => {
      expect(await refused('col_dupes', [col('title', 'text'), col('Title', 'text')])).toMatchObject({ code: 'invalid_name', field: 'Title' });
    });

    it.each([
      ['number', 'abc'],
      ['number', Number.NaN],
      ['boolean', 'true'],
      ['date', '2024-13-45x'],
      ['datetime', 'yesterday'],
      ['text', 5],
      ['text', 'a\0b'],
    ] as const)('refuses a %s default of %p', async (type, value) => {
      expect(await refused('col_baddefault', [col('f', type, { default: value })])).toMatchObject({ code: 'invalid_default', field: 'f' });
    });

    it('refuses a reference to a table that does not exist', async () => {
      const error = await refused('col_orphan', [col('ghost', 'reference', { references: { table: 'col_ghost', onDelete: 'cascade' } })]);
      expect(error).toMatchObject({ code: 'missing_reference_table', field: 'ghost' });
    });

    it('keeps a malicious default as plain text', async () => {
      const evil = "x'); drop table accounts; --";
      await db.transaction((trx) => createCollectionTable(trx, dialect, 'col_evil', [col('f', 'text', { default: evil })]));
      await insert('col_evil', accountA, {});
      const row = await k().selectFrom('col_evil').select('f').executeTakeFirstOrThrow();
      expect(row.f).toBe(evil);
      expect(await tableExists(db.kysely, dialect, 'accounts')).toBe(true);
    });
  });

  it('drops a table, and rolls back with the caller transaction', async () => {
    await db.transaction((trx) => createCollectionTable(trx, dialect, 'col_temp', [col('a', 'text')]));
    await expect(
      db.transaction(async (trx) => {
        await dropCollectionTable(trx, 'col_temp');
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await tableExists(db.kysely, dialect, 'col_temp')).toBe(true);
    await db.transaction((trx) => dropCollectionTable(trx, 'col_temp'));
    expect(await tableExists(db.kysely, dialect, 'col_temp')).toBe(false);
    await expect(dropCollectionTable(db.kysely, 'accounts')).rejects.toMatchObject({ code: 'invalid_name' });
  });

  it('rolls the table back with the caller transaction', async () => {
    await expect(
      db.transaction(async (trx) => {
        await createCollectionTable(trx, dialect, 'col_rolled', [col('a', 'text')]);
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await tableExists(db.kysely, dialect, 'col_rolled')).toBe(false);
  });
});
