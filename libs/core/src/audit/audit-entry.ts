import * as crypto from 'node:crypto';
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
export function auditChecksum(entry: ChainedFields, texts?: MetadataTexts): string {
  return sha256Hex(canonicalEntry(entry, texts));
}

// `crypto.hash` (Node ≥ 20.12) hashes in one call, twice as fast as a Hash object for inputs of
// this size; @types/node 20.19 does not declare it yet.
const oneShot = (crypto as unknown as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;
const sha256Hex = (text: string): string => (oneShot ? oneShot('sha256', text, 'hex') : crypto.createHash('sha256').update(text, 'utf8').digest('hex'));

// The hashed members in RFC 8785 order (the default sort compares UTF-16 code units), each
// with its key already written: `{"account_id":`, `,"column_name":`, …
const SORTED_FIELDS = [...CHECKSUM_FIELDS].sort();
const MEMBER_PREFIXES = SORTED_FIELDS.map((field, i) => `${i === 0 ? '{' : ','}${JSON.stringify(field)}:`);

// Characters JSON escapes; any other well-formed text is written between quotes as it is.
// eslint-disable-next-line no-control-regex -- the control characters are what it looks for
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;

/**
 * Canonical texts of metadata objects already written, for one batch of entries: the entries of
 * one change share one metadata object, written once. Scoped to a batch by its caller (never
 * global), so an object changed after one use is never answered with its old text.
 */
export type MetadataTexts = Map<object, string>;

/** The canonical JSON of an entry's metadata, as hashed and as stored. */
export function canonicalMetadata(value: JsonValue, texts?: MetadataTexts): string {
  if (!texts || value === null || typeof value !== 'object') return canonicalize(value);
  let text = texts.get(value);
  if (text === undefined) {
    text = canonicalize(value);
    texts.set(value, text);
  }
  return text;
}

/**
 * The RFC 8785 text of the hashed members, written member by member (this runs for every
 * audited column of every write). Every member but the metadata is a string or null, and RFC
 * 8785 writes a well-formed string as ECMAScript's JSON.stringify does: between quotes, with
 * only `"`, `\\` and control characters escaped, so text without those is copied as it is. A
 * lone surrogate (which has no canonical form) or any other value takes the general path, which
 * refuses it.
 */
export function canonicalEntry(entry: ChainedFields, texts?: MetadataTexts): string {
  let out = '';
  for (let i = 0; i < SORTED_FIELDS.length; i++) {
    const field = SORTED_FIELDS[i] as (typeof SORTED_FIELDS)[number];
    const value = entry[field] ?? null;
    let text: string;
    if (field === 'extra_metadata') text = canonicalMetadata(value as JsonValue, texts);
    else if (value === null) text = 'null';
    else if (typeof value === 'string' && isWellFormed(value)) text = NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
    else return canonicalize(hashedMembers(entry));
    out += MEMBER_PREFIXES[i] + text;
  }
  return `${out}}`;
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
