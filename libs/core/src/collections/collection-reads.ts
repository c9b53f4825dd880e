import { sql, type Kysely } from 'kysely';
import { fromDbJson, type GlobalDatabase } from '@snackbase/db';
import { allAccounts, dynamicTenantTable } from '@snackbase/tenancy';
import { LOCKED_RULES, normalizeStoredField, type CollectionField, type CollectionRules } from './collection-model';

/** A `collections` row with its fields parsed. */
export interface StoredCollection {
  readonly id: string;
  readonly name: string;
  readonly fields: CollectionField[];
  readonly migration_revision: string | null;
  readonly created_at: string;
  readonly updated_at: string;
}

/** A `collection_rules` row (created on demand when missing, spec §5.6). */
export interface StoredRules extends CollectionRules {
  readonly id: string;
  readonly collection_id: string;
  readonly created_at: string;
  readonly updated_at: string;
}

type Db = Kysely<GlobalDatabase>;
type CollectionRow = { id: string; name: string; schema: unknown; migration_revision: string | null; created_at: unknown; updated_at: unknown };

/** A collection row as stored: the JSON schema parsed, timestamps as strings. */
export function storedCollection(row: CollectionRow): StoredCollection {
  return {
    id: row.id,
    name: row.name,
    fields: fromDbJson<Record<string, unknown>[]>(row.schema, []).map(normalizeStoredField),
    migration_revision: row.migration_revision,
    created_at: String(row.created_at),
    updated_at: String(row.updated_at),
  };
}

const COLUMNS = ['id', 'name', 'schema', 'migration_revision', 'created_at', 'updated_at'] as const;

export async function collectionById(db: Db, id: string): Promise<StoredCollection | undefined> {
  const row = await db.selectFrom('collections').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  return row ? storedCollection(row) : undefined;
}

/** The collection named `name`, ignoring case (names are one name ignoring case). */
export async function collectionByName(db: Db, name: string): Promise<StoredCollection | undefined> {
  const row = await db
    .selectFrom('collections')
    .select(COLUMNS)
    .where(sql`lower(name)`, '=', name.toLowerCase())
    .executeTakeFirst();
  return row ? storedCollection(row) : undefined;
}

export async function allCollections(db: Db): Promise<StoredCollection[]> {
  return (await db.selectFrom('collections').select(COLUMNS).execute()).map(storedCollection);
}

export async function rulesOf(db: Db, collectionId: string): Promise<StoredRules | undefined> {
  const row = await db.selectFrom('collection_rules').selectAll().where('collection_id', '=', collectionId).executeTakeFirst();
  if (!row) return undefined;
  return { ...LOCKED_RULES, ...row, created_at: String(row.created_at), updated_at: String(row.updated_at) } as StoredRules;
}

/** Rows of a collection table in every account (superadmin statistics). */
export async function recordsTotal(db: Db, table: string): Promise<number> {
  const row = await dynamicTenantTable(db, allAccounts('superadmin collection statistics'), table)
    .select()
    .select(sql<string | number>`count(*)`.as('n'))
    .executeTakeFirst();
  return Number(row?.['n'] ?? 0);
}

/** Rows of a collection table per account, with the account's name, largest first. */
export async function recordsByAccount(db: Db, table: string): Promise<{ account_id: string; account_name: string; count: number }[]> {
  const rows = await dynamicTenantTable(db, allAccounts('superadmin deletion preview'), table)
    .select()
    .select([sql<string>`account_id`.as('account_id'), sql<string | number>`count(*)`.as('n')])
    .groupBy(sql`account_id`)
    .execute();
  const ids = rows.map((r) => String(r['account_id']));
  const names = ids.length ? await db.selectFrom('accounts').select(['id', 'name']).where('id', 'in', ids).execute() : [];
  const nameOf = new Map(names.map((a) => [a.id, a.name]));
  return rows
    .map((r) => ({ account_id: String(r['account_id']), account_name: nameOf.get(String(r['account_id'])) ?? '', count: Number(r['n']) }))
    .sort((a, b) => b.count - a.count || a.account_id.localeCompare(b.account_id));
}

/** The reference fields of other collections that point at `name` (ignoring case). */
export function referencingFields(all: readonly StoredCollection[], name: string): { name: string; field: string; on_delete: string }[] {
  const target = name.toLowerCase();
  return all
    .filter((c) => c.name.toLowerCase() !== target)
    .flatMap((c) => c.fields.filter((f) => f.type === 'reference' && f.collection?.toLowerCase() === target).map((f) => ({ name: c.name, field: f.name, on_delete: f.on_delete ?? 'restrict' })));
}
