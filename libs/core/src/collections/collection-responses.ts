import { collectionTableName, rulesOnly, type CollectionField, type CollectionRules } from './collection-model';
import type { StoredCollection, StoredRules } from './collection-reads';
import type { CollectionDependent } from './collection-dependents';

/** `GET /collections/{id}` and the create/update answers (spec §3.4), computed keys echoed (§12.3 item 29). */
export interface CollectionResponse {
  readonly id: string;
  readonly name: string;
  readonly table_name: string;
  readonly schema: readonly CollectionField[];
  readonly migration_revision: string | null;
  readonly created_at: string;
  readonly updated_at: string;
}

/** One row of `GET /collections`. */
export interface CollectionListItem {
  readonly id: string;
  readonly name: string;
  readonly table_name: string;
  readonly fields_count: number;
  readonly records_count: number;
  readonly has_public_access: boolean;
  readonly created_at: string;
}

export interface CollectionListPage {
  readonly items: CollectionListItem[];
  readonly total: number;
  readonly page: number;
  readonly page_size: number;
  readonly total_pages: number;
}

/** `DELETE /collections/{id}` answer (spec §3.4). */
export interface CollectionDeleted {
  readonly message: string;
  readonly collection_id: string;
  readonly collection_name: string;
  readonly table_name: string;
  readonly records_deleted: number;
  /** Webhooks and API hooks bound to the collection, deleted with it (not in the reference). */
  readonly webhooks_deleted: number;
  readonly hooks_deleted: number;
  readonly migration_revision: string;
}

/** `GET /collections/{id}/deletion-preview`: what a delete would destroy, for the confirm dialog. */
export interface CollectionDeletionPreview {
  readonly collection_id: string;
  readonly collection_name: string;
  readonly table_name: string;
  readonly records_total: number;
  readonly records_by_account: { account_id: string; account_name: string; count: number }[];
  /** Other collections' reference fields to it; while there are any, the delete is refused. */
  readonly referencing_collections: { name: string; field: string; on_delete: string }[];
  readonly files: number;
  /** Webhooks (label: URL) and API hooks (label: name) bound to it, which the delete removes. */
  readonly webhooks: readonly CollectionDependent[];
  readonly hooks: readonly CollectionDependent[];
}

/** The rules object of spec §5.6. */
export interface CollectionRulesResponse extends CollectionRules {
  readonly id: string;
  readonly collection_id: string;
  readonly created_at: string;
  readonly updated_at: string;
}

export function collectionResponse(c: StoredCollection): CollectionResponse {
  return {
    id: c.id,
    name: c.name,
    table_name: collectionTableName(c.name),
    schema: c.fields,
    migration_revision: c.migration_revision,
    created_at: c.created_at,
    updated_at: c.updated_at,
  };
}

export function rulesResponse(r: StoredRules): CollectionRulesResponse {
  return {
    id: r.id,
    collection_id: r.collection_id,
    ...rulesOnly(r),
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

/** True when any of the five rules is public (the empty string). */
export function hasPublicAccess(rules: CollectionRules | undefined): boolean {
  return !!rules && [rules.list_rule, rules.view_rule, rules.create_rule, rules.update_rule, rules.delete_rule].some((r) => r === '');
}
