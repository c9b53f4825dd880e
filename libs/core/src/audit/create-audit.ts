import type { QueryCreator, Transaction } from 'kysely';
import type { GlobalDatabase, SnackDatabase } from '@snackbase/db';
import type { Config } from '../config';
import type { RequestContext } from '../context';
import { notFound } from '../errors';
import type { Logger } from '../logging';
import { accountOf, diffChange, type AuditChange } from './audit-diff';
import { entryFromRow, type AuditLogEntry } from './audit-entry';
import { toJson } from './audit-value';
import type { JsonValue } from './canonical-json';
import { exportAuditLog, type AuditExportFormat } from './audit-export';
import { checkedFilters, filteredAuditLog, normaliseListQuery, type AuditFilters, type AuditListQuery } from './audit-query';
import { verifyAuditChain, type AuditHead, type VerifyOptions, type VerifyResult } from './audit-verify';
import { appendAuditEntries, readAuditHead, stagedWith, stageEncoded, type AuditEntryInput } from './audit-writer';
import { encodeChange, expandChange, type ChangeEntries } from './staged-entries';
import { createAuditChainer } from './audit-chainer';
import { createModelEvents } from './model-events';
import type { AppHooks } from '../events/create-app-hooks';

/** What {@link createAudit} needs. */
export interface AuditDeps {
  readonly db: SnackDatabase;
  readonly config: Pick<Config, 'auditLoggingEnabled'>;
  readonly logger: Logger;
  /**
   * Where the `model.*` events of system-table writes are dispatched (see `record`). Always
   * given by `createCore`; only specs of the log alone leave it out (then no model events fire).
   */
  readonly hooks?: AppHooks;
}

/** `GET /audit-logs` answer (spec §7.5): `skip`/`limit` paging, as the reference. */
export interface AuditListPage {
  readonly items: AuditLogEntry[];
  readonly total: number;
  readonly skip: number;
  readonly limit: number;
  readonly audit_logging_enabled: boolean;
}

/** The chain head as exported for safekeeping (an anchor for {@link Audit.verify}). */
export interface ExportedHead {
  readonly id: number | null;
  readonly checksum: string | null;
  readonly exported_at: string;
}

// Spec §7.2: never audited (the log itself, migration bookkeeping, short-lived token state).
// Also the tables that fire no model events: one list for both.
const SKIPPED_TABLES = new Set(['audit_log', 'kysely_migration', 'kysely_migration_lock', 'refresh_tokens', 'oauth_states']);

/** The principal and request columns of every entry of one change. */
function actorOf(ctx: RequestContext): Pick<AuditEntryInput, 'user_id' | 'user_email' | 'user_name' | 'request_id' | 'ip_address' | 'user_agent'> {
  const p = ctx.principal;
  const user = p.kind === 'user' ? { user_id: p.userId, user_email: p.email, user_name: p.email } : { user_id: null, user_email: null, user_name: null };
  return { ...user, request_id: ctx.requestId || null, ip_address: ctx.ip ?? null, user_agent: ctx.userAgent ?? null };
}

/**
 * `extra_metadata` (spec §7.1): how the caller authenticated (`jwt` or `api_key`, with the key's
 * id), merged with the change's own metadata; null for anonymous callers without metadata.
 */
function metadataOf(ctx: RequestContext, change: AuditChange): JsonValue {
  const p = ctx.principal;
  // Read loosely: API-key principals carry `via`/`apiKeyId`; access tokens carry neither.
  const key = p as { via?: string; apiKeyId?: string };
  const auth = p.kind === 'user' ? { auth_method: key.via ?? 'jwt', ...(key.apiKeyId ? { api_key_id: key.apiKeyId } : {}) } : {};
  const merged = { ...auth, ...change.metadata };
  return Object.keys(merged).length ? toJson(merged) : null;
}

/**
 * The audit log (spec §7): records changes inside the writer's transaction, reads them for the
 * superadmin API, exports them and verifies the hash chain. Reads are unmasked: only
 * superadmins read the log today (spec §7.5); PII masks per reader come when others may.
 */
export function createAudit(deps: AuditDeps) {
  const { db, config, logger } = deps;
  const models = deps.hooks ? createModelEvents({ db, hooks: deps.hooks }) : undefined;

  const chainer = createAuditChainer({ db, logger });
  // Changes each transaction staged: handed to the chainer once, after its commit.
  const stagedBy = new WeakMap<Transaction<GlobalDatabase>, { changes: number }>();

  /** One entry per changed column of `change`, with the caller of `ctx` as principal. */
  function entriesOf(ctx: RequestContext, change: AuditChange): ChangeEntries {
    const shared = { operation: change.operation, table_name: change.table, record_id: String(change.recordId), account_id: accountOf(change), ...actorOf(ctx), extra_metadata: metadataOf(ctx, change) };
    return { shared, columns: diffChange(change).map((c) => [c.column, c.oldValue, c.newValue] as const) };
  }

  /** PostgreSQL, and a table that fires no `model.*` events (their before-handlers need a transaction). */
  function appliesInStatement(change: Pick<AuditChange, 'table'>): boolean {
    return db.dialect === 'postgres' && !SKIPPED_TABLES.has(change.table) && !models?.fires(change.table);
  }

  async function write(trx: Transaction<GlobalDatabase>, ctx: RequestContext, change: AuditChange): Promise<void> {
    const entries = entriesOf(ctx, change);
    if (entries.columns.length === 0) return;
    // SQLite: the transaction already holds the database's one write lock, so chaining in it
    // costs no waiting, and staging would add a round per write (SQLite runs writes one at a
    // time, so rounds would not batch). PostgreSQL: stage, and chain after commit in batches.
    if (db.dialect === 'sqlite') {
      await appendAuditEntries(trx, db.dialect, expandChange(entries));
      return;
    }
    await stageEncoded(trx, [encodeChange(entries, new Date().toISOString())]);
    const staged = stagedBy.get(trx);
    if (staged) {
      staged.changes += 1;
      return;
    }
    const first = { changes: 1 };
    stagedBy.set(trx, first);
    db.afterCommit(trx, () => chainer.committed(first.changes));
  }

  return {
    /**
     * Records one entry per changed column of `change`, with the caller of `ctx` as principal;
     * anonymous callers are recorded with null user columns rather than skipped (§12.5 item 40).
     * The entries are written inside `trx`, so they commit or roll back with the write: on
     * SQLite appended to the chain there, on PostgreSQL staged, and chained in a round that
     * starts once `trx` commits (see `audit-chainer.ts`). Either way every reader of the log
     * through this module sees them as soon as the write is answered: reads chain what is
     * staged first. Code that reads `audit_log` itself awaits {@link flush} first.
     *
     * It is also where system-table writes fire their `model.*` events (not collection tables:
     * those fire `record.*`): first the `model.before*` handlers, awaited inside `trx` — one that
     * throws rejects with its 4xx, so the caller's transaction rolls back — then the entries,
     * and `model.after*` once `trx` commits. `trx` must come from `db.transaction`. Tables that
     * are never audited fire nothing; with audit logging off the events still fire, no entry is written.
     * @example await db.transaction(async (trx) => { …write…; await audit.record(trx, ctx, { operation: 'UPDATE', table: 'groups', recordId: id, before, after }); });
     */
    async record(trx: Transaction<GlobalDatabase>, ctx: RequestContext, change: AuditChange): Promise<void> {
      if (SKIPPED_TABLES.has(change.table)) return;
      const events = models?.fires(change.table) ? models : undefined;
      await events?.before(ctx, change);
      if (config.auditLoggingEnabled) await write(trx, ctx, change);
      events?.queueAfter(trx, ctx, change);
    },

    /**
     * A single-statement form of {@link record} for a write that is one statement, where it
     * applies: PostgreSQL, tables that fire no `model.*` events. `creator` comes back with the
     * entries of every change staged in a CTE (or as it was, with audit logging off), so the
     * statement built from it writes its rows and their entries atomically without a
     * transaction (three round trips fewer than BEGIN, write, stage, COMMIT); once that
     * statement has resolved, await `written()`, which starts chaining the entries as a
     * committed transaction does. Undefined where it does not apply: use {@link record} inside a transaction.
     * @example
     * const single = audit.inStatement(db.kysely, [{ ctx, change }]);
     * if (single) { await single.creator.insertInto(table).values(row).execute(); await single.written(); }
     */
    inStatement(creator: QueryCreator<GlobalDatabase>, changes: ReadonlyArray<{ readonly ctx: RequestContext; readonly change: AuditChange }>): { creator: QueryCreator<GlobalDatabase>; written: () => Promise<void> } | undefined {
      if (!changes.every(({ change }) => appliesInStatement(change))) return undefined;
      const occurredAt = new Date().toISOString();
      const staged = config.auditLoggingEnabled ? changes.map(({ ctx, change }) => entriesOf(ctx, change)).filter((e) => e.columns.length > 0) : [];
      if (staged.length === 0) return { creator, written: async () => undefined };
      return { creator: stagedWith(creator, staged.map((e) => encodeChange(e, occurredAt))), written: () => chainer.committed(staged.length) };
    },

    /** Whether {@link inStatement} applies to a write of `change`. */
    appliesInStatement,

    /**
     * Resolves once every entry staged before the call, by any instance, is in the chain: for
     * code that reads `audit_log` without this module (the module's own reads do it already).
     */
    flush: () => chainer.catchUp(),

    /** Chains entries left staged by an earlier run, then keeps sweeping for such leftovers. */
    start: () => chainer.start(),
    /** Stops the sweeping and waits for the chaining round in progress. */
    stop: () => chainer.stop(),

    /** A filtered, sorted page of entries (secondary order: id descending). */
    async list(query: AuditListQuery): Promise<AuditListPage> {
      const q = normaliseListQuery(query);
      await chainer.catchUp();
      const base = filteredAuditLog(db.kysely, q);
      const total = Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
      const rows = await base.selectAll().orderBy(q.sortBy, q.sortOrder).orderBy('id', 'desc').limit(q.limit).offset(q.skip).execute();
      return { items: rows.map(entryFromRow), total, skip: q.skip, limit: q.limit, audit_logging_enabled: config.auditLoggingEnabled };
    },

    /** One entry; 404 `Audit log entry <id> not found`. */
    async get(id: number): Promise<AuditLogEntry> {
      await chainer.catchUp();
      const row = Number.isSafeInteger(id) ? await db.kysely.selectFrom('audit_log').selectAll().where('id', '=', id).executeTakeFirst() : undefined;
      if (!row) throw notFound(`Audit log entry ${id} not found`);
      return entryFromRow(row);
    },

    /** CSV or JSON text chunks of the filtered log; bad filters throw here, before any chunk. */
    exportRows(filters: AuditFilters, format: AuditExportFormat): AsyncIterable<string> {
      const checked = checkedFilters(filters);
      const chained = chainer.catchUp();
      return (async function* () {
        await chained;
        yield* exportAuditLog(db.kysely, checked, format);
      })();
    },

    /** Walks the chain and names the first broken entry (see {@link verifyAuditChain}). */
    async verify(options: VerifyOptions = {}): Promise<VerifyResult> {
      await chainer.catchUp();
      const result = await verifyAuditChain(db.kysely, options);
      if (!result.valid) logger.warn('audit chain broken', { first_broken_id: result.first_broken_id, reason: result.reason });
      return result;
    },

    /** The chain's last entry, to keep outside the database as an anchor for `verify`. */
    async exportHead(): Promise<ExportedHead> {
      await chainer.catchUp();
      const head: AuditHead | undefined = await readAuditHead(db.kysely);
      return { id: head?.id ?? null, checksum: head?.checksum ?? null, exported_at: new Date().toISOString() };
    },
  };
}

/** The audit log module of the core. */
export type Audit = ReturnType<typeof createAudit>;

/** What a writing module needs of the audit log: {@link Audit.record}, inside its own transaction. */
export type AuditRecorder = Pick<Audit, 'record'>;
