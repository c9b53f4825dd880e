import { sql, type Kysely, type Transaction } from 'kysely';
import { createDatabase, migrateToLatest, type GlobalDatabase, type SnackDatabase } from '@snackbase/db';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '@snackbase/testing';
import type { RequestContext } from '../context';
import { createLogger } from '../logging';
import { auditChecksum, entryFromRow, type AuditLogEntry } from './audit-entry';
import { AUDIT_CHAIN_LOCK_KEY, appendAuditEntries, chainStagedEntries, stageEncoded, type ChainHeadMemo } from './audit-writer';
import { encodeChange } from './staged-entries';
import type { AuditChange } from './audit-diff';
import { createAudit, type Audit } from './create-audit';
import { createAppHooks } from '../events/create-app-hooks';

const logger = createLogger({ level: 'error', format: 'json', silent: true });
const ctx: RequestContext = {
  principal: { kind: 'user', userId: '00000000-0000-4000-8000-000000000001', accountId: 'acc-1', email: 'ann@acme.test', role: 'admin', sessionId: 's', isSuperadmin: false },
  requestId: 'cid_writer',
  ip: '203.0.113.7',
  userAgent: 'jest',
};

/** The message of a rejection, whatever realm the error came from (better-sqlite3 errors may fail instanceof). */
async function rejection(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as { message: string }).message;
  }
  throw new Error('expected a rejection');
}

const allEntries = async (db: SnackDatabase): Promise<AuditLogEntry[]> =>
  (await db.kysely.selectFrom('audit_log').selectAll().orderBy('id').execute()).map(entryFromRow);

/** Ids 1..n without a gap, each linked to the one before, each checksum right. */
function expectLinearChain(rows: readonly AuditLogEntry[]): void {
  expect(rows.map((r) => r.id)).toEqual(rows.map((_, i) => i + 1));
  rows.forEach((r, i) => {
    expect(r.previous_hash).toBe(i === 0 ? null : rows[i - 1]?.checksum);
    expect(auditChecksum(r)).toBe(r.checksum);
  });
}

describe.each(TEST_DIALECTS)('audit writer on %s', (dialect) => {
  let t: TestDatabase;
  let db: SnackDatabase;
  let audit: Audit;

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    await t.db.destroy();
    // 200 concurrent transactions: a pool wide enough that many really wait on the chain lock.
    db = createDatabase({ url: t.url, postgres: { poolSize: 40, maxOverflow: 0 } });
    await migrateToLatest(db);
    audit = createAudit({ db, config: { auditLoggingEnabled: true }, logger });
  });
  afterAll(async () => {
    await audit.stop();
    await db.close();
    await t.destroy();
  });

  /** The whole chain once what was staged before the call is in it (writes are answered first). */
  const chained = async (): Promise<AuditLogEntry[]> => {
    await audit.flush();
    return allEntries(db);
  };

  /** The entries one committed write of `change` added to the chain. */
  async function recorded(as: RequestContext, change: AuditChange): Promise<AuditLogEntry[]> {
    const before = (await chained()).length;
    await db.transaction((trx) => audit.record(trx, as, change));
    return (await chained()).slice(before);
  }

  it('writes one entry per column with the principal, request and a chained checksum', async () => {
    const rows = await recorded(ctx, { operation: 'CREATE', table: 'groups', recordId: 'g1', accountId: 'acc-1', after: { name: 'Ops', size: 3 }, metadata: { auth_method: 'jwt' } });
    expect(rows).toHaveLength(2);
    const stored = await chained();
    expect(stored).toEqual(rows);
    expect(stored[0]).toMatchObject({
      id: 1, operation: 'CREATE', table_name: 'groups', record_id: 'g1', column_name: 'name', old_value: null, new_value: 'Ops', account_id: 'acc-1',
      user_id: ctx.principal.kind === 'user' ? ctx.principal.userId : '', user_email: 'ann@acme.test', user_name: 'ann@acme.test',
      request_id: 'cid_writer', ip_address: '203.0.113.7', user_agent: 'jest', previous_hash: null, extra_metadata: { auth_method: 'jwt' },
      es_username: null, es_reason: null, es_timestamp: null,
    });
    expect(stored[0]?.occurred_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(stored[1]?.previous_hash).toBe(stored[0]?.checksum);
    expectLinearChain(stored);
  });

  it('refuses UPDATE and DELETE (and TRUNCATE on PostgreSQL) at the database', async () => {
    expect(await rejection(db.kysely.updateTable('audit_log').set({ new_value: 'x' }).where('id', '=', 1).execute())).toMatch(/immutable and cannot be updated/);
    expect(await rejection(db.kysely.deleteFrom('audit_log').where('id', '=', 1).execute())).toMatch(/immutable and cannot be deleted/);
    if (dialect === 'postgres') expect(await rejection(sql`truncate audit_log`.execute(db.kysely))).toMatch(/immutable and cannot be truncated/);
    expect((await chained())[0]?.new_value).toBe('Ops');
  });

  it('keeps no entry of a rolled-back transaction, and the next append continues the chain', async () => {
    const before = await chained();
    const message = await rejection(
      db.transaction(async (trx) => {
        await audit.record(trx, ctx, { operation: 'UPDATE', table: 'groups', recordId: 'g1', before: { name: 'Ops' }, after: { name: 'Dev' } });
        throw new Error('business rule failed after the audit append');
      }),
    );
    expect(message).toBe('business rule failed after the audit append');
    expect(await chained()).toEqual(before);
    await db.transaction((trx) => audit.record(trx, ctx, { operation: 'DELETE', table: 'groups', recordId: 'g1', before: { name: 'Ops' } }));
    expectLinearChain(await chained());
  });

  it('serialises 200 concurrent writers (some rolling back) into one gap-free chain', async () => {
    const start = (await chained()).length;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        db.transaction(async (trx) => {
          await audit.record(trx, ctx, { operation: 'CREATE', table: 'col_posts', recordId: `r${i}`, after: { title: `t${i}`, n: i, ok: i % 2 === 0 } });
          if (i % 10 === 9) throw new Error(`rollback ${i}`);
        }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(20);
    const rows = await chained();
    expectLinearChain(rows);
    const written = rows.slice(start);
    expect(written).toHaveLength(180 * 3);
    // Entries exist exactly for the committed writes, each write's columns contiguous.
    const committed = new Set(Array.from({ length: 200 }, (_, i) => `r${i}`).filter((_, i) => i % 10 !== 9));
    expect(new Set(written.map((r) => r.record_id))).toEqual(committed);
    for (let i = 0; i < written.length; i += 3) expect(new Set(written.slice(i, i + 3).map((r) => r.record_id)).size).toBe(1);
    await expect(audit.verify()).resolves.toMatchObject({ valid: true, checked: rows.length, head: { id: rows.length, checksum: rows.at(-1)?.checksum } });
  });

  it('records anonymous callers with null user columns, and nothing for never-audited tables or when disabled', async () => {
    const anonymous: RequestContext = { principal: { kind: 'anonymous' }, requestId: 'cid_anon' };
    const [row] = await recorded(anonymous, { operation: 'CREATE', table: 'col_guestbook', recordId: 7, after: { msg: 'hi' } });
    expect(row).toMatchObject({ user_id: null, user_email: null, user_name: null, record_id: '7', request_id: 'cid_anon', ip_address: null, account_id: null, extra_metadata: null });
    const viaKey = { ...ctx, principal: { ...ctx.principal, via: 'api_key', apiKeyId: 'key-1' } as RequestContext['principal'] };
    const [keyed] = await recorded(viaKey, { operation: 'CREATE', table: 'col_guestbook', recordId: 8, after: { msg: 'hi' } });
    expect(keyed?.extra_metadata).toEqual({ auth_method: 'api_key', api_key_id: 'key-1' });
    const [jwt] = await recorded(ctx, { operation: 'CREATE', table: 'col_guestbook', recordId: 9, after: { msg: 'hi' } });
    expect(jwt?.extra_metadata).toEqual({ auth_method: 'jwt' });
    const count = (await chained()).length;
    const off = createAudit({ db, config: { auditLoggingEnabled: false }, logger });
    await db.transaction((trx) => off.record(trx, ctx, { operation: 'CREATE', table: 'groups', recordId: 'x', after: { a: 1 } }));
    await db.transaction((trx) => audit.record(trx, ctx, { operation: 'CREATE', table: 'refresh_tokens', recordId: 'x', after: { a: 1 } }));
    await db.transaction((trx) => audit.record(trx, ctx, { operation: 'UPDATE', table: 'groups', recordId: 'x', before: { a: 1 }, after: { a: 1 } }));
    expect(await chained()).toHaveLength(count);
  });

  it('stores what it hashes: long user agents cut, lone surrogates replaced, text as given', async () => {
    const odd: RequestContext = { ...ctx, userAgent: `😀${'u'.repeat(600)}`, ip: '2001:db8::1' };
    const [row] = await recorded(odd, { operation: 'CREATE', table: 'col_x', recordId: 'r', after: { v: 'a\ud800b, "quoted"\n\u0001' } });
    const stored = (await chained()).at(-1);
    expect(stored).toEqual(row);
    expect(stored?.user_agent).toHaveLength(501);
    expect(stored?.new_value).toBe('a\ufffdb, "quoted"\n\u0001');
    expect(auditChecksum(stored as AuditLogEntry)).toBe(stored?.checksum);
  });

  const crashed = { operation: 'CREATE', table_name: 'col_posts', record_id: 'crashed', account_id: 'acc-1', user_id: null, user_email: null, user_name: null, request_id: 'cid_crash', ip_address: null, user_agent: null } as const;
  /** Stages one change of record `recordId` (one `title` entry) as a write's transaction does. */
  const stage = (recordId = 'crashed') =>
    db.transaction((trx) => stageEncoded(trx, [encodeChange({ shared: { ...crashed, record_id: recordId }, columns: [['title', null, 'kept']] }, new Date().toISOString())]));

  it('refuses to rewrite a staged row', async () => {
    await stage();
    const staged = await db.kysely.selectFrom('audit_pending').select('id').executeTakeFirstOrThrow();
    expect(await rejection(db.kysely.updateTable('audit_pending').set({ entries: '[]' }).where('id', '=', staged.id).execute())).toMatch(/immutable and cannot be updated/);
    await db.kysely.deleteFrom('audit_pending').execute();
  });

  // Only PostgreSQL stages (SQLite writes chain inside their own transaction).
  (dialect === 'postgres' ? it : it.skip)('chains entries a crash left staged when the log starts', async () => {
    const before = (await chained()).length;
    // What a server killed between its commit and the chaining round leaves behind.
    await stage();
    expect(await allEntries(db)).toHaveLength(before);
    const restarted = createAudit({ db, config: { auditLoggingEnabled: true }, logger });
    await restarted.start();
    await restarted.stop();
    const rows = await allEntries(db);
    expect(rows.slice(before)).toEqual([expect.objectContaining({ record_id: 'crashed', new_value: 'kept', request_id: 'cid_crash' })]);
    expect(await db.kysely.selectFrom('audit_pending').select('id').execute()).toEqual([]);
    expectLinearChain(rows);
  });

  /**
   * Holds the chain lock from another connection (another instance's long round) until released,
   * after running `inRound` under it (what that round does, e.g. take staged rows).
   */
  async function holdingChainLock(inRound?: (trx: Transaction<GlobalDatabase>) => Promise<unknown>): Promise<{ release: () => Promise<void>; close: () => Promise<void> }> {
    const other = createDatabase({ url: t.url });
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const holding = new Promise<void>((r) => (locked = r));
    const held = other.kysely.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY}::bigint)`.execute(trx);
      await inRound?.(trx);
      locked();
      await released;
    });
    await holding;
    return { release: async () => (release(), await held), close: () => other.close() };
  }
  const settledWithin = (p: Promise<unknown>, ms: number) => Promise.race([p.then(() => true), new Promise((r) => setTimeout(() => r(false), ms))]);
  const staged = async () => (await db.kysely.selectFrom('audit_pending').select('id').execute()).length;

  (dialect === 'postgres' ? it : it.skip)('answers a committed write without waiting for its round; a reader of the log waits for it', async () => {
    await audit.flush();
    const before = (await allEntries(db)).length;
    const lock = await holdingChainLock();
    try {
      const write = db.transaction((trx) => audit.record(trx, ctx, { operation: 'CREATE', table: 'col_posts', recordId: 'early', after: { title: 'answered' } }));
      expect(await settledWithin(write, 5000)).toBe(true);
      expect(await staged()).toBe(1);
      expect(await allEntries(db)).toHaveLength(before);
      // A reader through the module does not see the chain without the answered write.
      const listed = audit.list({ recordId: 'early' });
      expect(await settledWithin(listed, 300)).toBe(false);
      await lock.release();
      expect((await listed).items).toEqual([expect.objectContaining({ record_id: 'early', new_value: 'answered' })]);
      expect(await staged()).toBe(0);
      expectLinearChain(await allEntries(db));
    } finally {
      await lock.release();
      await lock.close();
    }
  });

  (dialect === 'postgres' ? it : it.skip)('makes writes wait for their round once 1000 answered changes of the instance are not chained', async () => {
    await audit.flush();
    const before = (await allEntries(db)).length;
    const lock = await holdingChainLock();
    try {
      const write = (i: number) => db.transaction((trx) => audit.record(trx, ctx, { operation: 'CREATE', table: 'col_posts', recordId: `bp${i}`, after: { n: i } }));
      for (let i = 0; i < 1000; i += 50) await Promise.all(Array.from({ length: 50 }, (_, j) => write(i + j)));
      expect(await staged()).toBe(1000);
      const waiting = write(1000);
      expect(await settledWithin(waiting, 500)).toBe(false);
      await lock.release();
      await waiting;
      // Answered after its round: in the chain without anyone reading the log.
      expect(await db.kysely.selectFrom('audit_log').select('id').where('record_id', '=', 'bp1000').execute()).toHaveLength(1);
      const rows = await chained();
      expect(rows.slice(before)).toHaveLength(1001);
      expectLinearChain(rows);
    } finally {
      await lock.release();
      await lock.close();
    }
  });

  (dialect === 'postgres' ? it : it.skip)('a reader chains everything staged before it reads, even behind a round of another instance that took the oldest', async () => {
    await audit.flush();
    // 700 staged changes: more than one round takes (500).
    await db.transaction((trx) => stageEncoded(trx, Array.from({ length: 700 }, (_, i) => encodeChange({ shared: { ...crashed, record_id: `behind${i}` }, columns: [['title', null, `v${i}`]] }, new Date().toISOString()))));
    // Another instance's round: holds the chain lock and has taken the 500 oldest.
    const round = await holdingChainLock((trx) => sql`delete from audit_pending where id in (select id from audit_pending order by id limit 500)`.execute(trx));
    try {
      const listed = audit.list({ tableName: 'col_posts', limit: 500 });
      // The reader's round is waiting for the lock, with the 500 oldest in its view of the staged rows.
      for (let i = 0; i < 100; i++) {
        const waiting = await sql<{ n: number }>`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`.execute(db.kysely);
        if ((waiting.rows[0]?.n ?? 0) > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await round.release();
      // The 500 the other round took are its own to chain; the 200 behind them must be in the log read.
      const page = await listed;
      const mine = page.items.filter((e) => e.record_id.startsWith('behind')).map((e) => Number(e.record_id.slice('behind'.length)));
      expect(mine.sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => 500 + i));
      expect(await staged()).toBe(0);
    } finally {
      await round.release();
      await round.close();
    }
  });

  // Instances share a PostgreSQL database; on SQLite two connections in one thread would wait on
  // each other's write lock synchronously (instances of SQLite are processes, one writer at a time).
  (dialect === 'postgres' ? it : it.skip)('keeps one chain when two instances chain at once, each answered write found by a reader of the other', async () => {
    const other = createDatabase({ url: t.url });
    try {
      const second = createAudit({ db: other, config: { auditLoggingEnabled: true }, logger });
      const start = (await chained()).length;
      await Promise.all(
        Array.from({ length: 60 }, async (_, i) => {
          const [base, log] = i % 2 === 0 ? [db, audit] : [other, second];
          await base.transaction((trx) => log.record(trx, ctx, { operation: 'CREATE', table: 'col_posts', recordId: `two${i}`, after: { n: i } }));
          // Answered: a reader through the other instance finds its entry, whichever instance chained it.
          await (base === db ? second : audit).flush();
          const mine = await db.kysely.selectFrom('audit_log').select('id').where('record_id', '=', `two${i}`).execute();
          expect(mine).toHaveLength(1);
        }),
      );
      const rows = await chained();
      expect(rows.slice(start)).toHaveLength(60);
      expectLinearChain(rows);
    } finally {
      await other.close();
    }
  });

  it('offers the single-statement form only where it applies', () => {
    const change: AuditChange = { operation: 'CREATE', table: 'col_posts', recordId: 'x', after: { n: 1 } };
    expect(audit.inStatement(db.kysely, [{ ctx, change }]) !== undefined).toBe(dialect === 'postgres');
    // Never-audited tables and tables whose writes fire model events keep the transaction form.
    expect(audit.inStatement(db.kysely, [{ ctx, change: { ...change, table: 'refresh_tokens' } }])).toBeUndefined();
    const withEvents = createAudit({ db, config: { auditLoggingEnabled: true }, logger, hooks: createAppHooks(() => undefined) });
    expect(withEvents.inStatement(db.kysely, [{ ctx, change: { ...change, table: 'groups' } }])).toBeUndefined();
  });

  (dialect === 'postgres' ? it : it.skip)('stages a one-statement write with its entries atomically, chained once written() resolves and the log is read', async () => {
    await sql`create table col_single (id varchar(36) primary key, title text unique)`.execute(db.kysely);
    const start = (await chained()).length;
    const insert = async (id: string, title: string) => {
      const single = audit.inStatement(db.kysely, [{ ctx, change: { operation: 'CREATE', table: 'col_single', recordId: id, after: { id, title } } }]);
      if (!single) throw new Error('expected the single-statement form on PostgreSQL');
      await (single.creator as unknown as Kysely<Record<string, { id: string; title: string }>>).insertInto('col_single').values({ id, title }).execute();
      await single.written();
    };
    await Promise.all(Array.from({ length: 30 }, (_, i) => insert(`s${i}`, `t${i}`)));
    // Both columns of every row, one linear chain, nothing left staged.
    const rows = await chained();
    expect(rows.slice(start)).toHaveLength(60);
    expectLinearChain(rows);
    expect(await db.kysely.selectFrom('audit_pending').select('id').execute()).toEqual([]);
    // A statement that fails (duplicate title) stages nothing: entries exist only for rows that exist.
    expect(await rejection(insert('dup', 't0'))).toMatch(/duplicate key|unique/i);
    expect(await db.kysely.selectFrom('audit_pending').select('id').execute()).toEqual([]);
    expect(await chained()).toHaveLength(rows.length);
    // With audit logging off the statement is the caller's alone.
    const off = createAudit({ db, config: { auditLoggingEnabled: false }, logger });
    const plain = off.inStatement(db.kysely, [{ ctx, change: { operation: 'CREATE', table: 'col_single', recordId: 'q', after: { id: 'q' } } }]);
    expect(plain?.creator).toBe(db.kysely);
  });

  it('appends a round of large entries in several statements, one linear chain', async () => {
    const before = (await chained()).length;
    const big = 'x'.repeat(1_500_000);
    const inputs = Array.from({ length: 8 }, (_, i) => ({ operation: 'UPDATE' as const, table_name: 'col_big', record_id: `b${i}`, column_name: 'body', old_value: big, new_value: `${big}${i}`, account_id: 'acc-1', user_id: null, user_email: null, user_name: null, request_id: null, ip_address: null, user_agent: null }));
    const stored = await db.transaction((trx) => appendAuditEntries(trx, dialect, inputs));
    const rows = await chained();
    expect(rows.slice(before).map((r) => [r.record_id, r.new_value?.length])).toEqual(stored.map((e) => [e.record_id, 1_500_001]));
    expectLinearChain(rows);
  });

  (dialect === 'postgres' ? it : it.skip)('keeps one chain when instances take turns and a remembered head goes stale', async () => {
    const [a, b]: ChainHeadMemo[] = [{}, {}];
    for (const [n, memo] of [a, a, b, a, b, b, a].entries()) {
      await stage(`turn-${n}`);
      expect(await chainStagedEntries(db, 500, memo)).toBe(1);
    }
    const rows = await chained();
    expectLinearChain(rows);
    expect(rows.filter((r) => r.record_id.startsWith('turn-')).map((r) => r.record_id)).toEqual(Array.from({ length: 7 }, (_, n) => `turn-${n}`));
    // Each remembers the head its own last round left.
    expect(a.head?.id).toBe(rows.at(-1)?.id);
    expect(b.head?.id).toBe(rows.at(-2)?.id);
  });

  it('refuses to append outside a transaction', async () => {
    expect(await rejection(appendAuditEntries(db.kysely as never, dialect, []))).toMatch(/needs a transaction/);
  });
});
