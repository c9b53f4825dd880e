import { createDatabase, migrateToLatest, type SnackDatabase } from '@snackbase/db';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '@snackbase/testing';
import type { RequestContext } from '../context';
import { createLogger } from '../logging';
import { AUDIT_EXPORT_MAX_ROWS, auditExportFilename, csvField } from './audit-export';
import { createAudit, type Audit } from './create-audit';

const logger = createLogger({ level: 'error', format: 'json', silent: true });
const user = (n: number): RequestContext => ({
  principal: { kind: 'user', userId: `00000000-0000-4000-8000-00000000000${n}`, accountId: `acc-${n}`, email: `u${n}@x.test`, role: 'admin', sessionId: 's', isSuperadmin: false },
  requestId: `cid_${n}`,
  ip: `192.0.2.${n}`,
});
const uid = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;

async function collect(chunks: AsyncIterable<string>): Promise<{ text: string; count: number }> {
  let text = '';
  let count = 0;
  for await (const c of chunks) {
    text += c;
    count++;
  }
  return { text, count };
}

/** A minimal RFC 4180 reader, enough to read back what the export wrote (CRLF line ends). */
function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      row.push(field);
      field = '';
    } else if (!quoted && c === '\r' && text[i + 1] === '\n') {
      out.push([...row, field]);
      row = [];
      field = '';
      i++;
    } else {
      field += c;
    }
  }
  return out;
}

describe.each(TEST_DIALECTS)('audit reads and exports on %s', (dialect) => {
  let t: TestDatabase;
  let db: SnackDatabase;
  let audit: Audit;
  const tricky = 'a, "quoted"\r\nmulti-line value';

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    await t.db.destroy();
    db = createDatabase({ url: t.url });
    await migrateToLatest(db);
    audit = createAudit({ db, config: { auditLoggingEnabled: true }, logger });
    const write = (ctx: RequestContext, change: Parameters<Audit['record']>[2]) => db.transaction((trx) => audit.record(trx, ctx, change));
    await write(user(1), { operation: 'CREATE', table: 'groups', recordId: 'g1', accountId: 'acc-1', after: { name: 'Ops', description: tricky } }); // ids 1, 2
    await write(user(1), { operation: 'UPDATE', table: 'groups', recordId: 'g1', accountId: 'acc-1', before: { name: 'Ops' }, after: { name: 'Dev' } }); // 3
    await write(user(2), { operation: 'CREATE', table: 'col_posts', recordId: 'p1', accountId: 'acc-2', after: { title: 'Hi', n: 1, draft: false } }); // 4–6
    await write(user(2), { operation: 'DELETE', table: 'col_posts', recordId: 'p1', accountId: 'acc-2', before: { title: 'Hi' } }); // 7
  });
  afterAll(async () => {
    await db.close();
    await t.destroy();
  });

  it('lists newest first with skip/limit paging and the reference envelope', async () => {
    const page = await audit.list({});
    expect(page).toMatchObject({ total: 7, skip: 0, limit: 50, audit_logging_enabled: true });
    expect(page.items.map((i) => i.id)).toEqual([7, 6, 5, 4, 3, 2, 1]);
    const second = await audit.list({ skip: 2, limit: 2 });
    expect(second).toMatchObject({ total: 7, skip: 2, limit: 2 });
    expect(second.items.map((i) => i.id)).toEqual([5, 4]);
  });

  it.each([
    [{ tableName: 'groups' }, [3, 2, 1]],
    [{ recordId: 'p1', operation: 'CREATE' as const }, [6, 5, 4]],
    [{ userId: uid(2) }, [7, 6, 5, 4]],
    [{ accountId: 'acc-1', operation: 'UPDATE' as const }, [3]],
    [{ operation: 'DELETE' as const }, [7]],
    [{ from: '2000-01-01', to: '2999-12-31T00:00:00' }, [7, 6, 5, 4, 3, 2, 1]],
    [{ from: '2999-01-01T00:00:00Z' }, []],
    [{ tableName: 'nope' }, []],
  ])('filters by %j', async (filters, ids) => {
    const page = await audit.list(filters);
    expect(page.items.map((i) => i.id)).toEqual(ids);
    expect(page.total).toBe(ids.length);
  });

  it('sorts by any column, falling back to occurred_at, with id descending second', async () => {
    expect((await audit.list({ sortBy: 'id', sortOrder: 'asc' })).items.map((i) => i.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect((await audit.list({ sortBy: 'column_name', sortOrder: 'asc', limit: 3 })).items.map((i) => i.column_name)).toEqual(['description', 'draft', 'n']);
    expect((await audit.list({ sortBy: 'no_such; drop table x' })).items).toHaveLength(7);
  });

  it.each([
    [{ limit: 0 }, 'limit'],
    [{ limit: 501 }, 'limit'],
    [{ skip: -1 }, 'skip'],
    [{ from: 'yesterday' }, 'from_date'],
    [{ to: '2025-13-45' }, 'to_date'],
    [{ sortOrder: 'up' as never }, 'sort_order'],
  ])('refuses %j with a 422 naming %s', async (query, field) => {
    await expect(audit.list(query)).rejects.toMatchObject({ status: 422, details: [expect.objectContaining({ field })] });
  });

  it('gets one entry, or a 404 in the reference wording', async () => {
    await expect(audit.get(3)).resolves.toMatchObject({ id: 3, operation: 'UPDATE', old_value: 'Ops', new_value: 'Dev', user_email: 'u1@x.test' });
    await expect(audit.get(999)).rejects.toMatchObject({ status: 404, message: 'Audit log entry 999 not found' });
  });

  it('exports CSV with the reference header, newest first, properly quoted', async () => {
    const { text } = await collect(audit.exportRows({ tableName: 'groups' }, 'csv'));
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual(['ID', 'Timestamp', 'Operation', 'Table', 'Record ID', 'Column', 'Old Value', 'New Value', 'User', 'IP Address', 'Checksum']);
    expect(rows.map((r) => r[0])).toEqual(['3', '2', '1']);
    const description = rows.find((r) => r[5] === 'description');
    expect(description?.slice(2, 10)).toEqual(['CREATE', 'groups', 'g1', 'description', '', tricky, 'u1@x.test', '192.0.2.1']);
    expect(description?.[10]).toMatch(/^[0-9a-f]{64}$/);
  });

  it('exports JSON as the reference subset, identical to JSON.stringify(rows, null, 2)', async () => {
    const { text } = await collect(audit.exportRows({}, 'json'));
    const parsed = JSON.parse(text) as Array<Record<string, unknown>>;
    expect(text).toBe(JSON.stringify(parsed, null, 2));
    expect(parsed.map((r) => r['id'])).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect(Object.keys(parsed[0] ?? {})).toEqual(['id', 'occurred_at', 'operation', 'table_name', 'record_id', 'column_name', 'old_value', 'new_value', 'user_email', 'ip_address', 'checksum']);
    expect((await collect(audit.exportRows({ tableName: 'none' }, 'json'))).text).toBe('[]');
  });

  it('checks export filters before the first chunk', () => {
    expect(() => audit.exportRows({ from: 'not a date' }, 'csv')).toThrow(expect.objectContaining({ status: 422 }));
  });

  it('names files and quotes fields as the reference and RFC 4180 do', () => {
    expect(auditExportFilename('csv', new Date(Date.UTC(2025, 4, 6, 7, 8, 9)))).toBe('audit_logs_20250506_070809.csv');
    expect([csvField(null), csvField(5), csvField('plain'), csvField('a,b'), csvField('say "hi"'), csvField('x\ny')]).toEqual(['', '5', 'plain', '"a,b"', '"say ""hi"""', '"x\ny"']);
    expect(AUDIT_EXPORT_MAX_ROWS).toBe(10_000);
  });

  it('says when audit logging is off', async () => {
    const off = createAudit({ db, config: { auditLoggingEnabled: false }, logger });
    await expect(off.list({ limit: 1 })).resolves.toMatchObject({ audit_logging_enabled: false, total: 7 });
  });

  // Runs last: it adds 1,200 entries (one wide CREATE, inserted in chunks) to page through.
  it('streams a large export page by page without losing or repeating a row', async () => {
    const wide = Object.fromEntries(Array.from({ length: 1200 }, (_, i) => [`c${i}`, i]));
    await db.transaction((trx) => audit.record(trx, user(3), { operation: 'CREATE', table: 'col_wide', recordId: 'w', after: wide }));
    const { text, count } = await collect(audit.exportRows({}, 'json'));
    const ids = (JSON.parse(text) as Array<{ id: number }>).map((r) => r.id);
    expect(ids).toEqual(Array.from({ length: 1207 }, (_, i) => 1207 - i));
    expect(count).toBeGreaterThan(2);
    const csv = await collect(audit.exportRows({ tableName: 'col_wide' }, 'csv'));
    expect(parseCsv(csv.text)).toHaveLength(1201);
    await expect(audit.verify()).resolves.toMatchObject({ valid: true, checked: 1207 });
  });
});
