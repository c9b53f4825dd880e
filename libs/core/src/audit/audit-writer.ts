import { CompiledQuery, sql, type Kysely, type QueryCreator, type Transaction } from 'kysely';
import type { AuditOperation, GlobalDatabase, SnackDatabase, SqlDialect } from '@snackbase/db';
import { auditChecksum, canonicalMetadata, CHECKSUM_FIELDS, type AuditLogEntry, type MetadataTexts } from './audit-entry';
import type { JsonValue } from './canonical-json';
import { wellFormed } from './audit-value';
import type { AuditHead } from './audit-verify';
import { decodeStagedEntries } from './staged-entries';

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

/**
 * The stored form of an input: exactly the values the checksum will be recomputed from, with
 * its id and (to be filled in) checksum. One object literal of the final shape: spreading the
 * fields into a second object cost as much as hashing them.
 */
function normalise(e: AuditEntryInput, id: number, occurredAt: string, previousHash: string | null): { -readonly [K in keyof AuditLogEntry]: AuditLogEntry[K] } {
  return {
    id,
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
    checksum: '',
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

const HEAD_QUERY = CompiledQuery.raw('select "id", "checksum" from "audit_log" order by "id" desc limit 1');

/** The last entry of the chain (highest id), or undefined for an empty log. */
export async function readAuditHead(db: Kysely<GlobalDatabase>): Promise<AuditHead | undefined> {
  // Written once (not through the query builder): every audited write reads the head.
  const row = (await db.executeQuery<{ id: number | string; checksum: string }>(HEAD_QUERY)).rows[0];
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
  return extendLockedChain(trx, dialect, entries);
}

/** `entries` as stored after `head` (ids, previous hashes and checksums), in order. */
function chainAfter(head: AuditHead | null, entries: readonly AuditEntryInput[], metadataTexts: MetadataTexts): AuditLogEntry[] {
  const occurredAt = new Date().toISOString();
  let previous = head?.checksum ?? null;
  let id = head?.id ?? 0;
  return entries.map((input) => {
    const entry = normalise(input, ++id, occurredAt, previous);
    entry.checksum = auditChecksum(entry, metadataTexts);
    previous = entry.checksum;
    return entry;
  });
}

/**
 * {@link appendAuditEntries} for a caller that already holds the chain lock in `trx`. With
 * `guess` (PostgreSQL: the head after this instance's last round, null for an empty log), the
 * entries are chained after it and inserted only if it still is the head, checked by the insert
 * itself, which saves a round trip per round; if another instance appended meanwhile, nothing
 * was inserted and the head is read as without a guess.
 */
async function extendLockedChain(trx: Transaction<GlobalDatabase>, dialect: SqlDialect, entries: readonly AuditEntryInput[], guess?: AuditHead | null): Promise<AuditLogEntry[]> {
  const metadataTexts: MetadataTexts = new Map();
  if (dialect === 'postgres' && guess !== undefined) {
    const guessed = chainAfter(guess, entries, metadataTexts);
    const chunks = [...jsonChunks(guessed)];
    if (chunks.length === 1) {
      const result = await trx.executeQuery(CompiledQuery.raw(PG_INSERT_IF_HEAD, [chunks[0], guess?.id ?? null]));
      if (Number(result.numAffectedRows ?? 0) === guessed.length) return guessed;
    }
  }
  const stored = chainAfter((await readAuditHead(trx)) ?? null, entries, metadataTexts);
  if (dialect === 'postgres') {
    for (const json of jsonChunks(stored)) await trx.executeQuery(CompiledQuery.raw(PG_INSERT_FROM_JSON, [json]));
    return stored;
  }
  // Chunks keep each statement under SQLite's bound-parameter limit.
  for (let i = 0; i < stored.length; i += INSERT_CHUNK) {
    const chunk = stored.slice(i, i + INSERT_CHUNK);
    const params: unknown[] = [];
    for (const e of chunk) for (const column of STORED_COLUMNS) params.push(column === 'extra_metadata' && e.extra_metadata !== null ? canonicalMetadata(e.extra_metadata, metadataTexts) : e[column]);
    await trx.executeQuery(CompiledQuery.raw(insertSql(chunk.length), params));
  }
  return stored;
}

/** Characters of JSON per statement: a round of large changes (1 MB bodies) stays far from V8's and PostgreSQL's limits. */
const JSON_CHUNK_CHARS = 8 * 1024 * 1024;

/** `entries` as JSON arrays of about {@link JSON_CHUNK_CHARS} characters each (at least one entry each), in order. */
function* jsonChunks(entries: readonly AuditLogEntry[]): Generator<string> {
  let parts: string[] = [];
  let size = 0;
  for (const entry of entries) {
    const text = JSON.stringify(entry);
    if (parts.length > 0 && size + text.length > JSON_CHUNK_CHARS) {
      yield `[${parts.join(',')}]`;
      parts = [];
      size = 0;
    }
    parts.push(text);
    size += text.length + 1;
  }
  if (parts.length > 0) yield `[${parts.join(',')}]`;
}

/** Every stored column of an entry, in the order of {@link insertSql}'s placeholders. */
const STORED_COLUMNS = ['id', ...CHECKSUM_FIELDS, 'checksum'] as const;
const insertSqlCache = new Map<number, string>();

/**
 * PostgreSQL: every entry of a chaining round in one statement with one JSON parameter. A
 * round appends hundreds of rows, and as a VALUES list of 21 parameters per row the statement
 * was parsed and planned anew each time (its text changes with the row count) and its thousands
 * of parameters bound one by one: measured, that insert was half of a round. `extra_metadata`
 * is jsonb, so the object is stored as its canonical text would have been.
 */
const PG_INSERT_FROM_JSON = (() => {
  const columns = STORED_COLUMNS.map((c) => `"${c}"`).join(', ');
  return `insert into "audit_log" (${columns}) select ${columns} from json_populate_recordset(null::"audit_log", $1::json)`;
})();

/** {@link PG_INSERT_FROM_JSON} only while the chain's last id is `$2` (null: the log is empty). */
const PG_INSERT_IF_HEAD = `${PG_INSERT_FROM_JSON} where (select max("id") from "audit_log") is not distinct from $2::bigint`;

/**
 * PostgreSQL: takes the chain lock and up to `limit` staged changes in one statement. The
 * statement's snapshot predates the lock, so a round of another instance that committed while
 * this one waited may have taken some of these rows already: PostgreSQL skips rows deleted by a
 * committed transaction, so each change is still taken once. The head is read (or checked) by
 * a later statement, under the lock, with a fresh snapshot.
 */
const PG_LOCK_AND_TAKE = (limit: number) =>
  `with "chain_lock" as (select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY}::bigint)) ` +
  `delete from "audit_pending" where "id" in (select "id" from "audit_pending", "chain_lock" order by "id" limit ${Math.trunc(limit)}) returning "id", "entries"`;

/**
 * SQLite: `insert into audit_log (…) values (…), …` for `rows` rows, written once per row
 * count: every write appends entries, and building the statement through the query builder
 * (an AST of rows × 21 values, then compiled) cost more than the insert itself.
 */
function insertSql(rows: number): string {
  let text = insertSqlCache.get(rows);
  if (text === undefined) {
    const values = Array.from({ length: rows }, () => `(${STORED_COLUMNS.map(() => '?').join(', ')})`).join(', ');
    text = `insert into "audit_log" (${STORED_COLUMNS.map((c) => `"${c}"`).join(', ')}) values ${values}`;
    if (insertSqlCache.size < 64) insertSqlCache.set(rows, text);
  }
  return text;
}

/**
 * {@link stageEncoded} as a data-modifying CTE on `creator` (PostgreSQL), for one or more
 * changes (one staged row each, in order, as `encodeChange` wrote them): the statement
 * built from the returned creator writes its rows and stages the entries atomically, on its
 * own, so a single-statement write needs no BEGIN/COMMIT round trips. PostgreSQL runs a
 * data-modifying CTE whether or not the main statement names it.
 * @example await stagedWith(db.kysely, [encodeChange(change, now)]).insertInto('col_posts').values(row).execute();
 */
export function stagedWith(creator: QueryCreator<GlobalDatabase>, staged: readonly string[]): QueryCreator<GlobalDatabase> {
  if (staged.length === 0) return creator;
  const rows = staged.map((entries) => ({ entries }));
  return creator.with('audit_staged', (qc) => qc.insertInto('audit_pending').values(rows)) as unknown as QueryCreator<GlobalDatabase>;
}

/**
 * Stages changes encoded by `encodeChange` in the writer's transaction `trx` (table
 * `audit_pending`, one row each): they commit or roll back with the write, without the chain
 * lock, and {@link chainStagedEntries} appends them to the chain afterwards.
 */
export async function stageEncoded(trx: Transaction<GlobalDatabase>, staged: readonly string[]): Promise<void> {
  if (staged.length === 0) return;
  await trx.insertInto('audit_pending').values(staged.map((entries) => ({ entries }))).execute();
}

/**
 * One chaining round: under the chain lock, takes up to `limit` staged changes (oldest first,
 * each change's entries in order) out of `audit_pending`, appends them to the chain, in one
 * transaction: they are chained exactly once or, if anything fails, stay staged. Returns how
 * many changes it chained. Rounds of any number of instances may run at once: the lock
 * serialises them and each sees the rows the previous one took as gone.
 */
export async function chainStagedEntries(db: SnackDatabase, limit: number, memo: ChainHeadMemo = {}): Promise<number> {
  let head: AuditHead | undefined;
  try {
    const chained = await db.transaction(async (trx) => {
      // One statement takes and removes the batch (by id: on PostgreSQL a lower id can commit
      // after a higher one was chained, so no range delete). RETURNING has no order: sort.
      const staged = db.dialect === 'postgres' ? await takeLocked(trx, limit) : await takeAfterLock(trx, limit);
      if (staged.length === 0) return 0;
      staged.sort((a, b) => Number(a.id) - Number(b.id));
      const stored = await extendLockedChain(
        trx,
        db.dialect,
        staged.flatMap((row) => decodeStagedEntries(row.entries)),
        memo.head,
      );
      head = stored.at(-1);
      return staged.length;
    });
    // Remembered only once committed: a round that rolled back changed nothing.
    if (head) memo.head = { id: head.id, checksum: head.checksum };
    return chained;
  } catch (error) {
    delete memo.head;
    throw error;
  }
}

/** What a chainer remembers between its rounds: the head its last committed round left (unset: unknown). */
export interface ChainHeadMemo {
  head?: AuditHead | null;
}

type StagedRow = { id: number | string; entries: string };

async function takeLocked(trx: Transaction<GlobalDatabase>, limit: number): Promise<StagedRow[]> {
  return (await trx.executeQuery<StagedRow>(CompiledQuery.raw(PG_LOCK_AND_TAKE(limit)))).rows;
}

async function takeAfterLock(trx: Transaction<GlobalDatabase>, limit: number): Promise<StagedRow[]> {
  await lockAuditChain(trx, 'sqlite');
  const oldest = trx.selectFrom('audit_pending').select('id').orderBy('id').limit(limit);
  return trx.deleteFrom('audit_pending').where('id', 'in', oldest).returning(['id', 'entries']).execute();
}

/** The highest staged id, or undefined when nothing is staged (the mark a reader chains up to). */
export async function lastStagedId(db: SnackDatabase): Promise<number | undefined> {
  const row = await db.kysely.selectFrom('audit_pending').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
  return row?.id === null || row?.id === undefined ? undefined : Number(row.id);
}

/** Whether a change staged at or below `mark` is still waiting to be chained. */
export async function stagedUpTo(db: SnackDatabase, mark: number): Promise<boolean> {
  return (await db.kysely.selectFrom('audit_pending').select('id').where('id', '<=', mark).limit(1).executeTakeFirst()) !== undefined;
}
