import type { Kysely } from 'kysely';
import type { CollectionColumn } from './collection-column';
import { ddlIdentifier } from './ddl-names';

/** One index of a collection table. Every one leads with `account_id`: queries are per tenant. */
export interface CollectionIndex {
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
  /** The user field it exists for (unique and reference indexes). */
  readonly field?: string;
}

/**
 * The indexes a table with these user columns should have: the default sort
 * `(account_id, created_at, id)`, owner rules `(account_id, created_by)`, one per reference
 * field (filters and expansion within an account), and a unique one per unique field —
 * unique within an account, never across accounts.
 */
export function collectionIndexes(table: string, columns: readonly CollectionColumn[]): CollectionIndex[] {
  const out: CollectionIndex[] = [
    { name: ddlIdentifier('ix', table, 'sort'), columns: ['account_id', 'created_at', 'id'], unique: false },
    { name: ddlIdentifier('ix', table, 'owner'), columns: ['account_id', 'created_by'], unique: false },
  ];
  for (const c of columns) {
    // A unique reference field's unique index serves its lookups too.
    if (c.references && !c.unique) out.push({ name: ddlIdentifier('ix', table, `ref_${c.name}`), columns: ['account_id', c.name], unique: false, field: c.name });
    if (c.unique) out.push({ name: ddlIdentifier('ux', table, c.name), columns: ['account_id', c.name], unique: true, field: c.name });
  }
  return out;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function createIndex(db: Kysely<any>, table: string, index: CollectionIndex): Promise<void> {
  const builder = db.schema.createIndex(index.name).on(table).columns([...index.columns]);
  await (index.unique ? builder.unique() : builder).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function dropIndex(db: Kysely<any>, index: CollectionIndex): Promise<void> {
  await db.schema.dropIndex(index.name).ifExists().execute();
}
