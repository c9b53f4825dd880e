import type { AuditEntryInput } from './audit-writer';
import { decodeStagedEntries, encodeStagedEntries } from './staged-entries';

const NOW = '2026-12-01T05:00:00.000Z';
const actor = { account_id: 'acc-1', user_id: 'u-1', user_email: 'a@example.com', user_name: 'a@example.com', request_id: 'hk_1', ip_address: '127.0.0.1', user_agent: 'jest' };
const metadata = { auth_method: 'jwt' };
const change = (columns: [string, string | null][]): AuditEntryInput[] =>
  columns.map(([column_name, new_value]) => ({ operation: 'CREATE', table_name: 'col_posts', record_id: 'r-1', ...actor, column_name, old_value: null, new_value, extra_metadata: metadata }));

describe('staged audit entries', () => {
  it('round-trips the entries of one change, dated at the write, in a quarter of the plain size', () => {
    const entries = change([['id', 'r-1'], ['title', 'Hello'], ['body', null], ['created_by', 'u-1'], ['updated_by', 'u-1'], ['created_at', NOW], ['updated_at', NOW], ['status', 'open'], ['views', '0']]);
    const text = encodeStagedEntries(entries, NOW);
    expect(decodeStagedEntries(text)).toEqual(entries.map((e) => ({ ...e, occurred_at: NOW })));
    expect(text.length).toBeLessThan(JSON.stringify(entries).length / 2.5);
  });

  it('keeps an entry’s own occurred_at', () => {
    const [entry] = change([['title', 'x']]);
    const dated = { ...entry, occurred_at: '2020-01-01T00:00:00.000Z' } as AuditEntryInput;
    expect(decodeStagedEntries(encodeStagedEntries([dated], NOW))[0]?.occurred_at).toBe('2020-01-01T00:00:00.000Z');
  });

  it('writes entries that differ in more than their column in full, and reads them back alike', () => {
    const [a, b] = change([['title', 'x'], ['body', 'y']]) as [AuditEntryInput, AuditEntryInput];
    const mixed = [a, { ...b, record_id: 'r-2' }, { ...b, extra_metadata: { auth_method: 'api_key' } }, { ...b, es_reason: 'signed' }];
    const text = encodeStagedEntries(mixed, NOW);
    expect(Array.isArray(JSON.parse(text))).toBe(true);
    expect(decodeStagedEntries(text)).toEqual(mixed.map((e) => ({ ...e, occurred_at: NOW })));
  });

  it('treats equal metadata of different objects as shared', () => {
    const [a, b] = change([['title', 'x'], ['body', 'y']]) as [AuditEntryInput, AuditEntryInput];
    const text = encodeStagedEntries([a, { ...b, extra_metadata: { auth_method: 'jwt' } }], NOW);
    expect(Array.isArray(JSON.parse(text))).toBe(false);
  });

  it('reads rows staged by earlier versions (the plain array)', () => {
    const entries = change([['title', 'x']]).map((e) => ({ ...e, occurred_at: NOW }));
    expect(decodeStagedEntries(JSON.stringify(entries))).toEqual(entries);
  });
});
