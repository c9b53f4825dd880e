/** The field types that own a physical column (`computed` fields have none). */
export type CollectionColumnType = 'text' | 'number' | 'boolean' | 'datetime' | 'date' | 'email' | 'url' | 'json' | 'reference' | 'file';

/** What a reference deletes, nulls or refuses when its target row is deleted (spec §3.3). */
export type ReferenceOnDelete = 'cascade' | 'set_null' | 'restrict';

/** One user column of a collection table, as the DDL needs it (spec §3.2, §3.5). */
export interface CollectionColumn {
  /** `^[a-zA-Z][a-zA-Z0-9_]*$`, at most 64 characters, not a system column. */
  readonly name: string;
  readonly type: CollectionColumnType;
  /** NOT NULL. */
  readonly required: boolean;
  /** Unique per account: a unique index on `(account_id, name)`, never across accounts. */
  readonly unique: boolean;
  /** A JSON value, or undefined/null for no default; becomes a SQL DEFAULT literal. */
  readonly default?: unknown;
  /** Reference fields: a foreign key to `<table>(id)`. */
  readonly references?: { readonly table: string; readonly onDelete: ReferenceOnDelete };
}

/** A table migration: the user columns before and after, and which were renamed. */
export interface CollectionTableChange {
  readonly before: readonly CollectionColumn[];
  readonly after: readonly CollectionColumn[];
  /** new name → old name, for fields renamed (data kept). */
  readonly renamed?: Readonly<Record<string, string>>;
}

/** The columns every collection table has before its user columns, in table order. */
export const SYSTEM_COLUMNS = ['id', 'account_id', 'created_at', 'created_by', 'updated_at', 'updated_by'] as const;

/** True when `value` means "no default" (the schema JSON stores `null` for none). */
export function hasDefault(column: CollectionColumn): boolean {
  return column.default !== undefined && column.default !== null;
}
