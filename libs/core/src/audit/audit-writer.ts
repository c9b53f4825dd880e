import { sql, type Kysely, type Transaction } from 'kysely';
import type { AuditOperation, GlobalDatabase, SqlDialect } from '@snackbase/db';
import { auditChecksum, type AuditLogEntry, type ChainedFields } from './audit-entry';
import { canonicalize, type JsonValue } from './canonical-json';
import { wellFormed } from './audit-value';

/**
 * The key of the transaction-scoped PostgreSQL advisory lock that serialises appends
 * ("SNACKAUD" in ASCII, so it will not collide with a lock someone picks by chance).
 */
export const AUDIT_CHAIN_LOCK_KEY = '6002807110612636996';

const INSERT_CHUNK = 500;

/** One row to append; the writer adds `id`, `checksum`, `previous_hash` and (if absent) `occurred_at`. */
export interface AuditEntryInput {
  readonly operation: AuditOperation;
  readonly table_name: string;
  readonly record_id: string;
  readonly column_name: string;
  readonly old_value: string | null;
  readonly new_value: string | null;
  readonly account_id: string | null;
  readonly user_id: string | null;
  readonly user_email: string | null;
  readonly user_name: string | null;
  readonly request_id: string | null;
  readonly ip_address: string | null;
  readonly user_agent: string | null;
  readonly es_username?: string | null;
  readonly es_reason?: string | null;
  readonly es_timestamp?: string | null;
  readonly extra_metadata?: JsonValue;
  /** ISO-8601; defaults to now. Stored as UTC with milliseconds and `Z`. */
  readonly occurred_at?: string;
}

/** `text` well-formed and cut to `max` characters (code points, as PostgreSQL's varchar counts). */
function text(value: string | null | undefined, max?: number): string | null {
  if (value === null || value === undefined) return null;
  const clean = wellFormed(value);
  if (max === undefined || clean.length <= max) return clean;
  return Array.from(clean).slice(0, max).join('');
}

const iso = (value: string | null | undefined): string | null => (value ? new Date(value).toISOString() : null);

/** The stored form of an input: exactly the values the checksum will be recomputed from. */
function normalise(e: AuditEntryInput, occurredAt: string, previousHash: string | null): ChainedFields {
  return {
    account_id: text(e.account_id, 36),
    operation: e.operation,
    table_name: text(e.table_name) ?? '',
    record_id: text(e.record_id) ?? '',
    column_name: text(e.column_name) ?? '',
    old_value: text(e.old_value),
    new_value: text(e.new_value),
    user_id: text(e.user_id, 36),
    user_email: text(e.user_email, 255),
    user_name: text(e.user_name, 255),
    es_username: text(e.es_username, 255),
    es_reason: text(e.es_reason),
    es_timestamp: iso(e.es_timestamp),
    ip_address: text(e.ip_address, 45),
    user_agent: text(e.user_agent, 500),
    request_id: text(e.request_id, 128),
    occurred_at: iso(e.occurred_at) ?? occurredAt,
    previous_hash: previousHash,
    extra_metadata: e.extra_metadata ?? null,
  };
}

/**
 * Takes the chain lock, so no other writer can read the head until this transaction ends.
 * PostgreSQL: a transaction-scoped advisory lock. SQLite: nothing to do, the transaction
 * already holds the database's write lock (`BEGIN IMMEDIATE`, see `ImmediateSqliteDialect`).
 */
export async function lockAuditChain(trx: Transaction<GlobalDatabase>, dialect: SqlDialect): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY}::bigint)`.execute(trx);
}

/** The last entry of the chain (highest id), or undefined for an empty log. */
export async function readAuditHead(db: Kysely<GlobalDatabase>): Promise<{ id: number; checksum: string } | undefined> {
  const row = await db.selectFrom('audit_log').select(['id', 'checksum']).orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row ? { id: Number(row.id), checksum: row.checksum } : undefined;
}

/**
 * Appends `entries` to the hash chain inside the caller's transaction `trx`, in order, and
 * returns them as stored. Appends are serialised ({@link lockAuditChain}), and ids are assigned
 * here as head + 1, + 2, … so the chain stays gap-free on both dialects even when other
 * transactions roll back (a PostgreSQL identity would burn ids). If `trx` rolls back, so do the
 * entries: they exist exactly for committed writes. Call it as the transaction's last write: the
 * lock is held until commit.
 */
export async function appendAuditEntries(trx: Transaction<GlobalDatabase>, dialect: SqlDialect, entries: readonly AuditEntryInput[]): Promise<AuditLogEntry[]> {
  if (!trx.isTransaction) throw new Error('appendAuditEntries needs a transaction: the chain head must be read and extended atomically');
  if (entries.length === 0) return [];
  await lockAuditChain(trx, dialect);
  const head = await readAuditHead(trx);
  const occurredAt = new Date().toISOString();
  let previous = head?.checksum ?? null;
  let id = head?.id ?? 0;
  const stored: AuditLogEntry[] = entries.map((input) => {
    const fields = normalise(input, occurredAt, previous);
    const entry: AuditLogEntry = { id: ++id, ...fields, checksum: auditChecksum(fields) };
    previous = entry.checksum;
    return entry;
  });
  // Chunks keep each statement under SQLite's and PostgreSQL's bound-parameter limits.
  for (let i = 0; i < stored.length; i += INSERT_CHUNK) {
    const rows = stored.slice(i, i + INSERT_CHUNK).map((e) => ({ ...e, extra_metadata: e.extra_metadata === null ? null : canonicalize(e.extra_metadata) }));
    await trx.insertInto('audit_log').values(rows).execute();
  }
  return stored;
}
