import type { RequestContext } from '../context';
import type { CreateCollectionInput, RulesInput, UpdateCollectionInput } from './collection-input';
import {
  collectionNames,
  deletionPreview,
  getCollection,
  getCollectionByName,
  listCollections,
  type CollectionListQuery,
} from './collection-queries';
import type {
  CollectionDeleted,
  CollectionDeletionPreview,
  CollectionListPage,
  CollectionResponse,
  CollectionRulesResponse,
} from './collection-responses';
import { getCollectionRules, updateCollectionRules } from './collection-rules-admin';
import { updateCollection } from './collection-update';
import type { CollectionWriteOptions } from './collection-write-support';
import { createCollection, removeCollection } from './collections-admin';
import type { CollectionsDeps } from './collections-admin-support';

/**
 * The superadmin collections API (spec §3.4) and collection rules API (§5.6). Every write runs
 * in one transaction with its table DDL and audit rows; after commit the catalog is invalidated
 * everywhere and the `collection.after*` hooks run. `create`, `update` and `getByName` take an
 * optional transaction so an import can define several collections as one unit.
 */
export interface Collections {
  list(ctx: RequestContext, query?: CollectionListQuery): Promise<CollectionListPage>;
  names(ctx: RequestContext): Promise<{ names: string[]; total: number }>;
  get(ctx: RequestContext, id: string): Promise<CollectionResponse>;
  /** Ignoring case; with `options.trx`, sees that transaction's writes. */
  getByName(ctx: RequestContext, name: string, options?: Pick<CollectionWriteOptions, 'trx'>): Promise<CollectionResponse | undefined>;
  create(ctx: RequestContext, input: CreateCollectionInput, options?: CollectionWriteOptions): Promise<CollectionResponse>;
  update(ctx: RequestContext, id: string, input: UpdateCollectionInput, options?: CollectionWriteOptions): Promise<CollectionResponse>;
  remove(ctx: RequestContext, id: string): Promise<CollectionDeleted>;
  deletionPreview(ctx: RequestContext, id: string): Promise<CollectionDeletionPreview>;
  getRules(ctx: RequestContext, name: string): Promise<CollectionRulesResponse>;
  /** With `options.trx`, joins that transaction (an import sets the rules of a collection it defines). */
  updateRules(ctx: RequestContext, name: string, input: RulesInput, options?: CollectionWriteOptions): Promise<CollectionRulesResponse>;
}

/**
 * @example
 * const collections = createCollections({ db, catalog, audit, hooks });
 * const posts = await collections.create(ctx, { name: 'posts', schema: [{ name: 'title', type: 'text', required: true }] });
 */
export function createCollections(deps: CollectionsDeps): Collections {
  const db = deps.db.kysely;
  return {
    list: (ctx, query) => listCollections(db, ctx, query),
    names: (ctx) => collectionNames(db, ctx),
    get: (ctx, id) => getCollection(db, ctx, id),
    getByName: (ctx, name, options) => getCollectionByName(options?.trx ?? db, ctx, name),
    create: (ctx, input, options) => createCollection(deps, ctx, input, options),
    update: (ctx, id, input, options) => updateCollection(deps, ctx, id, input, options),
    remove: (ctx, id) => removeCollection(deps, ctx, id),
    deletionPreview: (ctx, id) => deletionPreview(db, ctx, id),
    getRules: (ctx, name) => getCollectionRules(deps, ctx, name),
    updateRules: (ctx, name, input, options) => updateCollectionRules(deps, ctx, name, input, options),
  };
}
