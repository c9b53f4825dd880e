import type { Kysely } from 'kysely';
import type { KeptColumn } from './alter-plan';

/**
 * Renames kept columns whose name changed. Through temporary names when one rename takes a
 * name another frees (a swap `a` ↔ `b`), which one statement at a time could not do directly.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function renameColumns(db: Kysely<any>, table: string, kept: readonly KeptColumn[]): Promise<void> {
  const renames = kept.filter(({ from, to }) => from.name !== to.name);
  const taken = new Set(kept.filter(({ from, to }) => from.name === to.name).map(({ to }) => to.name.toLowerCase()));
  const direct = renames.every(({ to }) => !renames.some(({ from }) => from.name.toLowerCase() === to.name.toLowerCase()) && !taken.has(to.name.toLowerCase()));
  if (direct) {
    for (const { from, to } of renames) await db.schema.alterTable(table).renameColumn(from.name, to.name).execute();
    return;
  }
  const temporary = (i: number) => `sb_rename_tmp_${i}`;
  for (const [i, { from }] of renames.entries()) await db.schema.alterTable(table).renameColumn(from.name, temporary(i)).execute();
  for (const [i, { to }] of renames.entries()) await db.schema.alterTable(table).renameColumn(temporary(i), to.name).execute();
}
