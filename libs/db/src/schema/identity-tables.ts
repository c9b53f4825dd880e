import type { ColumnType, Generated } from 'kysely';

/** ISO-8601 UTC text on read; a string (or Date) on write; database default when omitted. */
export type Timestamp = ColumnType<string, string | undefined, string>;
/** A nullable timestamp. */
export type NullableTimestamp = ColumnType<string | null, string | null | undefined, string | null>;
/** A boolean column: `boolean` on PostgreSQL, 0/1 on SQLite (read it with `fromDbBool`). */
export type DbBool = ColumnType<boolean | number, boolean | undefined, boolean>;
/** A JSON column: parsed on PostgreSQL, text on SQLite (read it with `fromDbJson`). */
export type DbJson = ColumnType<unknown, string | null | undefined, string | null>;

export interface AccountsTable {
  id: string;
  account_code: string;
  slug: string;
  name: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface RolesTable {
  id: number;
  name: string;
  description: string | null;
}

export interface UsersTable {
  id: string;
  account_id: string;
  email: string;
  password_hash: string;
  role_id: number;
  is_active: DbBool;
  email_verified: DbBool;
  email_verified_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_login: NullableTimestamp;
  auth_provider: ColumnType<string, string | undefined, string>;
  auth_provider_name: string | null;
  external_id: string | null;
  external_email: string | null;
  profile_data: DbJson;
}

export interface GroupsTable {
  id: string;
  account_id: string;
  name: string;
  description: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface UsersGroupsTable {
  user_id: string;
  group_id: string;
}

/** Keeps `Generated` importable for tables with database-assigned ids. */
export type DbGenerated<T> = Generated<T>;
