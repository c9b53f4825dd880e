import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { createDatabase, migrateToLatest, type SnackDatabase } from '@snackbase/db';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '@snackbase/testing';
import type { RequestContext } from '../context';
import { createLogger } from '../logging';
import { auditChecksum, entryFromRow, type AuditLogEntry } from './audit-entry';
import { canonicalize } from './canonical-json';
import { createAudit, type Audit } from './create-audit';

const logger = createLogger({ level: 'error', format: 'json', silent: true });
const ctx: RequestContext = {
  principal: { kind: 'user', userId: '00000000-0000-4000-8000-000000000002', accountId: 'acc', email: 'sam@acme.test', role: 'admin', sessionId: 's', isSuperadmin: false },
  requestId: 'cid_verify',
};
const ENTRIES = 12;
const CONTENT = ['operation', 'table_name', 'record_id', 'column_name', 'old_value', 'new_value', 'occurred_at', 'checksum', 'previous_hash'] as const;

describe.each(TEST_DIALECTS)('audit chain verification on %s', (dialect) => {
  let t: TestDatabase;
  let db: SnackDatabase;
  let audit: Audit;

  const rows = async (): Promise<AuditLogEntry[]> => (await db.kysely.selectFrom('audit_log').selectAll().orderBy('id').execute()).map(entryFromRow);
  const row = async (id: number): Promise<AuditLogEntry> => (await rows()).find((r) => r.id === id) as AuditLogEntry;
  const content = (r: AuditLogEntry) => Object.fromEntries(CONTENT.map((c) => [c, r[c]]));

  /** What an attacker with access to the database file or a superuser login does first. */
  async function disableImmutability(): Promise<void> {
    if (dialect === 'postgres') {
      await sql`alter table audit_log disable trigger user`.execute(db.kysely);
    } else {
      await sql`drop trigger audit_log_no_update`.execute(db.kysely);
      await sql`drop trigger audit_log_no_delete`.execute(db.kysely);
    }
  }

  beforeEach(async () => {
    t = await createTestDatabase(dialect);
    await t.db.destroy();
    db = createDatabase({ url: t.url });
    await migrateToLatest(db);
    audit = createAudit({ db, config: { auditLoggingEnabled: true }, logger });
    for (let i = 1; i <= ENTRIES; i++) {
      await db.transaction((trx) => audit.record(trx, ctx, { operation: 'UPDATE', table: 'col_orders', recordId: `o${i}`, before: { total: i }, after: { total: i * 10 } }));
    }
    // The specs below read and tamper with the stored chain directly: chain what is staged first.
    await audit.flush();
  });
  afterEach(async () => {
    await audit.stop();
    await db.close();
    await t.destroy();
  });

  it('finds an untouched chain valid, whole or in part', async () => {
    const head = await audit.exportHead();
    expect(head).toEqual({ id: ENTRIES, checksum: (await row(ENTRIES)).checksum, exported_at: expect.any(String) });
    await expect(audit.verify()).resolves.toEqual({ valid: true, checked: ENTRIES, head: { id: ENTRIES, checksum: head.checksum } });
    await expect(audit.verify({ fromId: 4, toId: 9 })).resolves.toMatchObject({ valid: true, checked: 6 });
    await expect(audit.verify({ expectedHead: { id: ENTRIES, checksum: head.checksum as string } })).resolves.toMatchObject({ valid: true });
  });

  it('still refuses UPDATE and DELETE before anyone tampers', async () => {
    const message = async (p: Promise<unknown>) => p.then(() => 'no error', (e: { message: string }) => e.message);
    expect(await message(db.kysely.updateTable('audit_log').set({ new_value: 'x' }).where('id', '=', 6).execute())).toMatch(/immutable/);
    expect(await message(db.kysely.deleteFrom('audit_log').where('id', '=', 6).execute())).toMatch(/immutable/);
  });

  it('names the entry whose value was changed', async () => {
    await disableImmutability();
    await db.kysely.updateTable('audit_log').set({ new_value: '1' }).where('id', '=', 6).execute();
    await expect(audit.verify()).resolves.toMatchObject({ valid: false, checked: 6, first_broken_id: 6, reason: expect.stringMatching(/checksum mismatch/) });
    // A range that ends before the change does not see it; one that starts after it does not either.
    await expect(audit.verify({ toId: 5 })).resolves.toMatchObject({ valid: true, checked: 5 });
    await expect(audit.verify({ fromId: 7 })).resolves.toMatchObject({ valid: true, checked: 6 });
  });

  it('names the entry after a deleted one', async () => {
    await disableImmutability();
    await db.kysely.deleteFrom('audit_log').where('id', '=', 6).execute();
    await expect(audit.verify()).resolves.toMatchObject({ valid: false, first_broken_id: 7, reason: 'entry 6 is missing (ids jump from 5 to 7)' });
    await expect(audit.verify({ fromId: 7 })).resolves.toMatchObject({ valid: false, first_broken_id: 7, reason: expect.stringMatching(/entry 6, the one before the range, is missing/) });
  });

  it('notices a deleted first entry', async () => {
    await disableImmutability();
    await db.kysely.deleteFrom('audit_log').where('id', '=', 1).execute();
    await expect(audit.verify()).resolves.toMatchObject({ valid: false, first_broken_id: 2, reason: expect.stringMatching(/entry 1 is missing/) });
  });

  it('names the first of two swapped entries', async () => {
    const [four, five] = [await row(4), await row(5)];
    await disableImmutability();
    await db.kysely.updateTable('audit_log').set(content(five)).where('id', '=', 4).execute();
    await db.kysely.updateTable('audit_log').set(content(four)).where('id', '=', 5).execute();
    await expect(audit.verify()).resolves.toMatchObject({ valid: false, first_broken_id: 4, reason: 'previous_hash does not match the checksum of entry 3' });
  });

  it('names a forged entry appended by hand', async () => {
    const head = await row(ENTRIES);
    const forged = { ...head, id: ENTRIES + 1, new_value: '0', previous_hash: head.checksum, checksum: createHash('sha256').update('forged').digest('hex') };
    await db.kysely.insertInto('audit_log').values({ ...forged, extra_metadata: null }).execute();
    await expect(audit.verify()).resolves.toMatchObject({ valid: false, first_broken_id: ENTRIES + 1, reason: expect.stringMatching(/checksum mismatch/) });
  });

  it('names a forged entry slipped in by renumbering the tail', async () => {
    const all = await rows();
    await disableImmutability();
    // Shift entries 7.. up by one (from the top, to keep ids unique) and put a forgery at 7.
    for (const r of [...all].reverse().filter((r) => r.id >= 7)) await db.kysely.updateTable('audit_log').set({ id: r.id + 1 }).where('id', '=', r.id).execute();
    const fields = { ...all[6], new_value: '999999' } as AuditLogEntry;
    await db.kysely.insertInto('audit_log').values({ ...fields, id: 7, checksum: auditChecksum(fields), extra_metadata: JSON.stringify(fields.extra_metadata) }).execute();
    await expect(audit.verify()).resolves.toMatchObject({ valid: false, first_broken_id: 8, reason: 'previous_hash does not match the checksum of entry 7' });
  });

  it('sees a truncated tail only against an anchor exported earlier', async () => {
    const anchor = await audit.exportHead();
    await disableImmutability();
    await db.kysely.deleteFrom('audit_log').where('id', '>', ENTRIES - 2).execute();
    await expect(audit.verify()).resolves.toMatchObject({ valid: true, checked: ENTRIES - 2 });
    const result = await audit.verify({ expectedHead: { id: anchor.id as number, checksum: anchor.checksum as string } });
    expect(result).toMatchObject({ valid: false, first_broken_id: ENTRIES - 1, reason: `head mismatch: chain ends at ${ENTRIES - 2}, anchor says ${ENTRIES}` });
  });

  it('sees a chain rewritten with recomputed checksums only against an anchor', async () => {
    const anchor = await audit.exportHead();
    await disableImmutability();
    let previous: string | null = (await row(5)).checksum;
    for (const r of (await rows()).filter((r) => r.id >= 6)) {
      const fields = { ...r, new_value: r.id === 6 ? '1' : r.new_value, previous_hash: previous };
      previous = auditChecksum(fields);
      await db.kysely.updateTable('audit_log').set({ new_value: fields.new_value, previous_hash: fields.previous_hash, checksum: previous }).where('id', '=', r.id).execute();
    }
    await expect(audit.verify()).resolves.toMatchObject({ valid: true });
    const result = await audit.verify({ fromId: 10, expectedHead: { id: anchor.id as number, checksum: anchor.checksum as string } });
    expect(result).toMatchObject({ valid: false, first_broken_id: ENTRIES, reason: expect.stringMatching(/anchor mismatch/) });
  });

  it('hashes the documented canonical form, so another language can check it', async () => {
    const r = await row(3);
    const hashed = { ...r, id: undefined, checksum: undefined };
    expect(createHash('sha256').update(canonicalize(hashed), 'utf8').digest('hex')).toBe(r.checksum);
  });
});
