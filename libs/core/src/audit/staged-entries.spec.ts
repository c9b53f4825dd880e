import type { AuditEntryInput } from './audit-writer';
import { decodeStagedEntries, encodeChange, expandChange, type ChangeEntries } from './staged-entries';

const NOW = '2026-12-01T05:00:00.000Z';
const shared = { operation: 'CREATE', table_name: 'col_posts', record_id: 'r-1', account_id: 'acc-1', user_id: 'u-1', user_email: 'a@example.com', user_name: 'a@example.com', request_id: 'hk_1', ip_address: '127.0.0.1', user_agent: 'jest', extra_metadata: { auth_method: 'jwt' } } as const;
const change: ChangeEntries = {
  shared,
  columns: [['id', null, 'r-1'], ['title', null, 'Hello'], ['body', null, null], ['created_by', null, 'u-1'], ['updated_by', null, 'u-1'], ['created_at', null, NOW], ['updated_at', null, NOW], ['status', null, 'open'], ['views', null, '0']],
};

describe('staged audit entries', () => {
  it('expands a change into one entry per column, in order', () => {
    const entries = expandChange(change);
    expect(entries).toHaveLength(9);
    expect(entries[1]).toEqual({ ...shared, column_name: 'title', old_value: null, new_value: 'Hello' });
  });

  it('round-trips a change, dated at the write, in a quarter of the size of its entries in full', () => {
    const text = encodeChange(change, NOW);
    expect(decodeStagedEntries(text)).toEqual(expandChange(change).map((e) => ({ ...e, occurred_at: NOW })));
    expect(text.length).toBeLessThan(JSON.stringify(expandChange(change)).length / 2.5);
  });

  it('keeps a change’s own occurred_at', () => {
    const dated = { ...change, shared: { ...shared, occurred_at: '2020-01-01T00:00:00.000Z' } };
    expect(decodeStagedEntries(encodeChange(dated, NOW)).map((e) => e.occurred_at)).toEqual(Array(9).fill('2020-01-01T00:00:00.000Z'));
  });

  it('reads rows staged by earlier versions (the plain array of entries)', () => {
    const entries: AuditEntryInput[] = expandChange(change).map((e) => ({ ...e, occurred_at: NOW }));
    expect(decodeStagedEntries(JSON.stringify(entries))).toEqual(entries);
  });
});
