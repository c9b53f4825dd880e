import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { createDatabase, migrateToLatest, type SnackDatabase } from '@snackbase/db';
import { createTestDatabase, type TestDatabase } from '@snackbase/testing';
import { auditChecksum, entryFromRow, type AuditLogEntry } from '../audit/audit-entry';
import { createAudit, type Audit } from '../audit/create-audit';
import type { RequestContext } from '../context';
import { createLogger } from '../logging';
import { createGroupedCreates, type GroupedCreates } from './grouped-creates';

const logger = createLogger({ level: 'error', format: 'json', silent: true });
const ctx: RequestContext = {
  principal: { kind: 'user', userId: '00000000-0000-4000-8000-000000000001', accountId: 'acc-a', email: 'ann@acme.test', role: 'admin', sessionId: 's', isSuperadmin: false },
  requestId: 'cid_grouped',
  ip: '203.0.113.7',
  userAgent: 'jest',
};

// Grouping is the PostgreSQL path of record creates (SQLite shares commits instead: GroupCommit).
describe('grouped record creates on postgres', () => {
  let t: TestDatabase;
  let db: SnackDatabase;
  let audit: Audit;
  let grouped: GroupedCreates;
  const inserts: string[] = [];

  beforeAll(async () => {
    t = await createTestDatabase('postgres');
    await t.db.destroy();
    db = createDatabase({ url: t.url, onQuery: (text) => text.startsWith('with "audit_staged"') && inserts.push(text) });
    await migrateToLatest(db);
    await sql`create table col_notes (id varchar(36) primary key, account_id varchar(36) not null, title text, body text, unique (account_id, title))`.execute(db.kysely);
    audit = createAudit({ db, config: { auditLoggingEnabled: true }, logger });
    grouped = createGroupedCreates({ db, audit });
  });
  afterAll(async () => {
    await audit.stop();
    await db.close();
    await t.destroy();
  });
  beforeEach(() => void (inserts.length = 0));

  const create = (accountId: string, stored: Record<string, unknown>) => {
    const recordId = String(stored['id']);
    return grouped.add({ ctx, table: 'col_notes', accountId, stored, change: { operation: 'CREATE', table: 'col_notes', recordId, accountId, after: { ...stored, account_id: accountId } } });
  };
  const rows = async () => (await sql<{ id: string; account_id: string; title: string }>`select id, account_id, title from col_notes order by title`.execute(db.kysely)).rows;
  const chain = async (): Promise<AuditLogEntry[]> => {
    await audit.flush();
    return (await db.kysely.selectFrom('audit_log').selectAll().orderBy('id').execute()).map(entryFromRow);
  };

  it('writes creates that arrive together in one statement, each stamped with its own account, in one chain', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await Promise.all(Array.from({ length: 30 }, (_, i) => create(i % 2 ? b : a, { id: randomUUID(), title: `t${String(i).padStart(2, '0')}`, body: 'x' })));
    expect(inserts).toHaveLength(1);
    const written = await rows();
    expect(written).toHaveLength(30);
    written.forEach((r, i) => expect(r.account_id).toBe(i % 2 ? b : a));
    // 4 entries (id, title, body, account_id) per create, one linear chain.
    const entries = await chain();
    expect(entries).toHaveLength(120);
    entries.forEach((e, i) => {
      expect(e.id).toBe(i + 1);
      expect(e.previous_hash).toBe(i === 0 ? null : entries[i - 1]?.checksum);
      expect(auditChecksum(e)).toBe(e.checksum);
    });
    expect(await db.kysely.selectFrom('audit_pending').select('id').execute()).toEqual([]);
  });

  it('fails only the create that breaks a constraint, with its own error; the others of its group are written', async () => {
    const account = randomUUID();
    await create(account, { id: randomUUID(), title: 'taken', body: 'x' });
    const before = (await chain()).length;
    inserts.length = 0;
    const outcomes = await Promise.allSettled([
      create(account, { id: randomUUID(), title: 'fresh-1', body: 'x' }),
      create(account, { id: randomUUID(), title: 'taken', body: 'x' }),
      create(account, { id: randomUUID(), title: 'fresh-2', body: 'x' }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/duplicate key|unique/i);
    // The shared statement failed (failures are not logged), then each create went alone: the
    // two that succeeded were single-row statements.
    expect(inserts).toHaveLength(2);
    for (const text of inserts) expect(text).toMatch(/values \(\$2, \$3, \$4, \$5\)$/);
    expect((await rows()).filter((r) => r.account_id === account).map((r) => r.title)).toEqual(['fresh-1', 'fresh-2', 'taken']);
    // Entries only for the rows that exist.
    expect((await chain()).length - before).toBe(8);
  });

  it('answers a failure that is not about a row to every create of the statement, without retrying each', async () => {
    let statements = 0;
    const counting = createGroupedCreates({ db, audit: { inStatement: (...args: Parameters<Audit['inStatement']>) => (statements++, audit.inStatement(...args)) } });
    const missing = (title: string) => {
      const id = randomUUID();
      return counting.add({ ctx, table: 'col_missing', accountId: 'acc-a', stored: { id, title }, change: { operation: 'CREATE', table: 'col_missing', recordId: id, accountId: 'acc-a', after: { id, title } } });
    };
    const outcomes = await Promise.allSettled([missing('a'), missing('b'), missing('c')]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(String((outcomes[0] as PromiseRejectedResult).reason)).toMatch(/does not exist/);
    expect(statements).toBe(1);
    expect(await db.kysely.selectFrom('audit_pending').select('id').execute()).toEqual([]);
  });

  it('writes rows with different columns in separate statements', async () => {
    const account = randomUUID();
    await Promise.all([
      create(account, { id: randomUUID(), title: 'with-body', body: 'x' }),
      create(account, { id: randomUUID(), title: 'without-body' }),
      create(account, { id: randomUUID(), title: 'with-body-2', body: 'y' }),
    ]);
    expect(inserts).toHaveLength(2);
    expect((await rows()).filter((r) => r.account_id === account)).toHaveLength(3);
  });
});
