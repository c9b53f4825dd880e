import type { Kysely } from 'kysely';
import type { GlobalDatabase } from '@snackbase/db';
import type { RequestContext } from '../context';
import { collectionDependents } from './collection-dependents';
import { collectionTableName } from './collection-model';
import { allCollections, collectionById, collectionByName, recordsByAccount, recordsTotal, referencingFields, rulesOf } from './collection-reads';
import {
  collectionResponse,
  hasPublicAccess,
  type CollectionDeletionPreview,
  type CollectionListItem,
  type CollectionListPage,
  type CollectionResponse,
} from './collection-responses';
import { collectionNotFound } from './collections-admin';
import { requireSuperadmin } from './collection-write-support';

/** `GET /collections` query (spec §3.4). */
export interface CollectionListQuery {
  readonly page?: number;
  readonly pageSize?: number;
  readonly sortBy?: string;
  readonly sortOrder?: 'asc' | 'desc';
  readonly search?: string;
}

const SORTABLE = new Set(['id', 'name', 'table_name', 'fields_count', 'records_count', 'created_at']);

function compare(a: CollectionListItem, b: CollectionListItem, key: keyof CollectionListItem): number {
  const x = a[key];
  const y = b[key];
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  return String(x).localeCompare(String(y));
}

/**
 * The paged collection list: `search` matches name or id (case-insensitive substring), an
 * unknown `sort_by` falls back to `created_at`, `records_count` counts every tenant's rows.
 * Collections are few, so they are read whole and paged here.
 */
export async function listCollections(db: Kysely<GlobalDatabase>, ctx: RequestContext, q: CollectionListQuery = {}): Promise<CollectionListPage> {
  requireSuperadmin(ctx);
  const page = Math.max(1, Math.floor(q.page ?? 1));
  const pageSize = Math.min(100, Math.max(1, Math.floor(q.pageSize ?? 25)));
  const search = q.search?.toLowerCase();
  const all = (await allCollections(db)).filter((c) => !search || c.name.toLowerCase().includes(search) || c.id.toLowerCase().includes(search));
  const items: CollectionListItem[] = [];
  for (const c of all) {
    const table = collectionTableName(c.name);
    items.push({
      id: c.id,
      name: c.name,
      table_name: table,
      fields_count: c.fields.length,
      records_count: await recordsTotal(db, table),
      has_public_access: hasPublicAccess(await rulesOf(db, c.id)),
      created_at: c.created_at,
    });
  }
  const key = (q.sortBy && SORTABLE.has(q.sortBy) ? q.sortBy : 'created_at') as keyof CollectionListItem;
  const sign = q.sortOrder === 'asc' ? 1 : -1;
  items.sort((a, b) => sign * compare(a, b, key) || a.id.localeCompare(b.id));
  const total = items.length;
  return { items: items.slice((page - 1) * pageSize, page * pageSize), total, page, page_size: pageSize, total_pages: Math.max(1, Math.ceil(total / pageSize)) };
}

/** `GET /collections/names`. */
export async function collectionNames(db: Kysely<GlobalDatabase>, ctx: RequestContext): Promise<{ names: string[]; total: number }> {
  requireSuperadmin(ctx);
  const names = (await allCollections(db)).map((c) => c.name).sort((a, b) => a.localeCompare(b));
  return { names, total: names.length };
}

export async function getCollection(db: Kysely<GlobalDatabase>, ctx: RequestContext, id: string): Promise<CollectionResponse> {
  requireSuperadmin(ctx);
  const c = await collectionById(db, id);
  if (!c) throw collectionNotFound(id);
  return collectionResponse(c);
}

/** The collection named `name` (ignoring case), or undefined; pass a transaction to see its writes. */
export async function getCollectionByName(db: Kysely<GlobalDatabase>, ctx: RequestContext, name: string): Promise<CollectionResponse | undefined> {
  requireSuperadmin(ctx);
  const c = await collectionByName(db, name);
  return c ? collectionResponse(c) : undefined;
}

/** What deleting the collection would destroy, for the admin's confirm dialog. */
export async function deletionPreview(db: Kysely<GlobalDatabase>, ctx: RequestContext, id: string): Promise<CollectionDeletionPreview> {
  requireSuperadmin(ctx);
  const c = await collectionById(db, id);
  if (!c) throw collectionNotFound(id);
  const table = collectionTableName(c.name);
  return {
    collection_id: c.id,
    collection_name: c.name,
    table_name: table,
    records_total: await recordsTotal(db, table),
    records_by_account: await recordsByAccount(db, table),
    referencing_collections: referencingFields(await allCollections(db), c.name),
    // File fields hold metadata only; uploaded blobs are not tracked per collection yet.
    files: 0,
    ...(await collectionDependents(db, c.name)),
  };
}
