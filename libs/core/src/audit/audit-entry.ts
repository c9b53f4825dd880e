import { createHash } from 'node:crypto';
import type { AuditLogEntryResponse } from '@snackbase/contract';
import { fromDbJson, type AuditOperation } from '@snackbase/db';
import { canonicalize, isWellFormed, type JsonValue } from './canonical-json';

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
  return createHash('sha256').update(canonicalEntry(entry), 'utf8').digest('hex');
}

// The hashed members in RFC 8785 order (the default sort compares UTF-16 code units), split
// around the one member that is not a string: `extra_metadata`.
const SORTED_FIELDS = [...CHECKSUM_FIELDS].sort();
const BEFORE_METADATA = SORTED_FIELDS.slice(0, SORTED_FIELDS.indexOf('extra_metadata'));
const AFTER_METADATA = SORTED_FIELDS.slice(SORTED_FIELDS.indexOf('extra_metadata') + 1);

const isPlain = (value: unknown): value is string | null => value === null || (typeof value === 'string' && isWellFormed(value));

/**
 * The RFC 8785 text of the hashed members. Every member but the metadata is a string or null,
 * and for a well-formed string `JSON.stringify` writes exactly RFC 8785's form (the RFC defines
 * its serialisation after ECMAScript's), in insertion order: so two plain objects in sorted key
 * order, stringified whole, are the canonical text at a fraction of the member-by-member cost
 * (this runs for every audited column of every write). Anything else takes the general path,
 * which refuses what has no canonical form.
 */
export function canonicalEntry(entry: ChainedFields): string {
  const before: Record<string, string | null> = {};
  const after: Record<string, string | null> = {};
  for (const field of BEFORE_METADATA) {
    const value = entry[field] ?? null;
    if (!isPlain(value)) return canonicalize(hashedMembers(entry));
    before[field] = value;
  }
  for (const field of AFTER_METADATA) {
    const value = entry[field] ?? null;
    if (!isPlain(value)) return canonicalize(hashedMembers(entry));
    after[field] = value;
  }
  return `${JSON.stringify(before).slice(0, -1)},"extra_metadata":${canonicalize(entry.extra_metadata ?? null)},${JSON.stringify(after).slice(1)}`;
}

/** The hashed members as one object (reference §7.3). */
export function hashedMembers(entry: ChainedFields): Record<string, JsonValue> {
  const hashed: Record<string, JsonValue> = {};
  for (const field of CHECKSUM_FIELDS) hashed[field] = entry[field] ?? null;
  return hashed;
}

/** A row as either dialect reads it back, as an {@link AuditLogEntry} (ids as numbers, JSON parsed). */
export function entryFromRow(row: Record<string, unknown>): AuditLogEntry {
  return { ...(row as unknown as AuditLogEntry), id: Number(row['id']), extra_metadata: fromDbJson<JsonValue>(row['extra_metadata'], null) };
}
