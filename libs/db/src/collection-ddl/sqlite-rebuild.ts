import { sql, type Kysely, type RawBuilder } from 'kysely';
import { SYSTEM_COLUMNS, type CollectionColumn } from './collection-column';
import type { AlterPlan } from './alter-plan';
import { collectionIndexes, createIndex } from './collection-indexes';
import { storedDefault } from './column-sql';
import { createTableBuilder } from './table-definition';

type Db = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface ChildKey {
  readonly tbl: string;
  readonly col: string;
}

/** Columns of other tables whose foreign key points at `table`. */
async function childKeys(db: Db, table: string): Promise<ChildKey[]> {
  const result = await sql<ChildKey>`
    select m.name as tbl, f."from" as col
    from sqlite_master as m, pragma_foreign_key_list(m.name) as f
    where m.type = 'table' and lower(f."table") = lower(${table}) and m.name <> ${table}`.execute(db);
  return result.rows;
}

/** `INSERT INTO new SELECT … FROM old`: system columns, kept columns under their new names. */
async function copyRows(db: Db, from: string, to: string, plan: AlterPlan): Promise<void> {
  const targets = [...SYSTEM_COLUMNS.map((c) => sql.ref(c)), ...plan.kept.map(({ to: c }) => sql.ref(c.name))];
  const values: RawBuilder<unknown>[] = [...SYSTEM_COLUMNS.map((c) => sql.ref(c)), ...plan.kept.map(({ from: old, to: c }) => {
    const fill = c.required && !old.required ? storedDefault('sqlite', c) : undefined;
    return fill === undefined ? sql.ref(old.name) : sql`coalesce(${sql.ref(old.name)}, ${fill})`;
  })];
  await sql`insert into ${sql.table(to)} (${sql.join(targets)}) select ${sql.join(values)} from ${sql.table(from)}`.execute(db);
}

/**
 * SQLite's table rebuild (https://sqlite.org/lang_altertable.html#otheralter) inside the
 * caller's transaction: create `<table>__sbnew` with the new definition, copy the rows, drop the
 * old table, rename the new one, recreate the indexes.
 *
 * Foreign keys are on and cannot be switched off inside a transaction, so `DROP TABLE` deletes
 * the old rows first and would fire other tables' ON DELETE CASCADE / SET NULL / RESTRICT on
 * the references to them. `PRAGMA legacy_alter_table` does not help: with foreign keys on,
 * renaming a table rewrites the children's REFERENCES anyway (checked on SQLite 3.53).
 * So for the duration, with foreign key checks deferred to commit, the children's reference
 * values are parked as `'~' || value` (they match no row, so the drop touches nothing), and
 * restored once the new table holds the same ids under the old name. Afterwards
 * `foreign_key_check` must find nothing, or the whole change fails.
 */
export async function rebuildSqliteTable(db: Db, table: string, after: readonly CollectionColumn[], plan: AlterPlan): Promise<void> {
  const staging = `${table}__sbnew`;
  const deferred = await sql<{ defer_foreign_keys: number }>`pragma defer_foreign_keys`.execute(db);
  const wasDeferred = Number(deferred.rows[0]?.defer_foreign_keys ?? 0) === 1;
  await sql`pragma defer_foreign_keys = on`.execute(db);
  try {
    // A self-reference points at the staging table, renamed along with it below.
    const columns = after.map((c) => (c.references?.table === table ? { ...c, references: { ...c.references, table: staging } } : c));
    await createTableBuilder(db, 'sqlite', staging, columns, table).execute();
    await copyRows(db, table, staging, plan);
    const children = await childKeys(db, table);
    for (const { tbl, col } of children) {
      await sql`update ${sql.table(tbl)} set ${sql.ref(col)} = '~' || ${sql.ref(col)} where ${sql.ref(col)} is not null`.execute(db);
    }
    await sql`drop table ${sql.table(table)}`.execute(db);
    await sql`alter table ${sql.table(staging)} rename to ${sql.table(table)}`.execute(db);
    for (const { tbl, col } of children) {
      await sql`update ${sql.table(tbl)} set ${sql.ref(col)} = substr(${sql.ref(col)}, 2) where ${sql.ref(col)} is not null`.execute(db);
    }
    for (const index of collectionIndexes(table, after)) await createIndex(db, table, index);
    for (const checked of new Set([table, ...children.map((c) => c.tbl)])) {
      const broken = await sql`select * from pragma_foreign_key_check(${checked})`.execute(db);
      if (broken.rows.length > 0) throw new Error(`SQLite rebuild of ${table} left foreign key violations in ${checked}`);
    }
  } finally {
    if (!wasDeferred) await sql`pragma defer_foreign_keys = off`.execute(db);
  }
}
