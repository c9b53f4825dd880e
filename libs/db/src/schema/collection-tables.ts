import type { Generated } from 'kysely';
import type { Defaulted } from './column-helpers';
import type { DbJson, Timestamp } from './identity-tables';

/** A collection definition (global); `schema` is the JSON array of field definitions. */
export interface CollectionsTable {
  id: string;
  /** Unique ignoring case. */
  name: string;
  schema: DbJson;
  migration_revision: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Rules: null = locked, '' = public, else an expression. Field lists: '*' or a JSON array. */
export interface CollectionRulesTable {
  id: string;
  collection_id: string;
  list_rule: string | null;
  view_rule: string | null;
  create_rule: string | null;
  update_rule: string | null;
  delete_rule: string | null;
  list_fields: Defaulted<string>;
  view_fields: Defaulted<string>;
  create_fields: Defaulted<string>;
  update_fields: Defaulted<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A stored SQL macro (global). */
export interface MacrosTable {
  id: Generated<number>;
  name: string;
  description: string | null;
  sql_query: string;
  /** JSON array of parameter names. */
  parameters: DbJson;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}
