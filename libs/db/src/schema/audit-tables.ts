import type { Generated } from 'kysely';
import type { DbJson, NullableTimestamp, Timestamp } from './identity-tables';

/** `CREATE` | `UPDATE` | `DELETE`. */
export type AuditOperation = 'CREATE' | 'UPDATE' | 'DELETE';

/**
 * One changed column (spec §7.1). Append-only: the database refuses UPDATE, DELETE and
 * TRUNCATE. `id` is the chain sequence; `checksum` and `previous_hash` are SHA-256 hex.
 */
export interface AuditLogTable {
  id: Generated<number>;
  account_id: string | null;
  operation: AuditOperation;
  table_name: string;
  record_id: string;
  column_name: string;
  old_value: string | null;
  new_value: string | null;
  user_id: string | null;
  user_email: string | null;
  user_name: string | null;
  es_username: string | null;
  es_reason: string | null;
  es_timestamp: NullableTimestamp;
  ip_address: string | null;
  user_agent: string | null;
  request_id: string | null;
  occurred_at: Timestamp;
  checksum: string;
  previous_hash: string | null;
  extra_metadata: DbJson;
}

/**
 * One change's audit entries staged by its write transaction (JSON array, in order) until the
 * chainer appends them to `audit_log`. Rows are inserted and deleted, never updated.
 */
export interface AuditPendingTable {
  id: Generated<number>;
  entries: string;
}
