import { createHash } from 'node:crypto';
import type { AuditLogEntryResponse } from '@snackbase/contract';
import { fromDbJson, type AuditOperation } from '@snackbase/db';
import { canonicalize, type JsonValue } from './canonical-json';

/** One stored audit row (spec §7.1): the contract's answer, with the typed operation and metadata. */
export type AuditLogEntry = Omit<AuditLogEntryResponse, 'operation' | 'extra_metadata'> & {
  readonly operation: AuditOperation;
  readonly extra_metadata: JsonValue;
};

/** The fields the checksum covers (reference §7.3): everything but `id` and `checksum`. */
export type ChainedFields = Omit<AuditLogEntry, 'id' | 'checksum'>;

/** The members of the hashed object, in the order reference §7.3 lists them (JCS sorts anyway). */
export const CHECKSUM_FIELDS = [
  'account_id',
  'operation',
  'table_name',
  'record_id',
  'column_name',
  'old_value',
  'new_value',
  'user_id',
  'user_email',
  'user_name',
  'es_username',
  'es_reason',
  'es_timestamp',
  'ip_address',
  'user_agent',
  'request_id',
  'occurred_at',
  'previous_hash',
  'extra_metadata',
] as const satisfies ReadonlyArray<keyof ChainedFields>;

/**
 * The checksum of an entry (DECISIONS "Audit checksums"): SHA-256 hex of the RFC 8785 canonical
 * JSON of the §7.3 fields, `previous_hash` included; nulls are JSON null, timestamps the stored
 * ISO-8601 UTC strings with milliseconds and `Z`.
 */
export function auditChecksum(entry: ChainedFields): string {
  const hashed: Record<string, JsonValue> = {};
  for (const field of CHECKSUM_FIELDS) hashed[field] = entry[field] ?? null;
  return createHash('sha256').update(canonicalize(hashed), 'utf8').digest('hex');
}

/** A row as either dialect reads it back, as an {@link AuditLogEntry} (ids as numbers, JSON parsed). */
export function entryFromRow(row: Record<string, unknown>): AuditLogEntry {
  return { ...(row as unknown as AuditLogEntry), id: Number(row['id']), extra_metadata: fromDbJson<JsonValue>(row['extra_metadata'], null) };
}
