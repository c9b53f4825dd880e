import fc from 'fast-check';
import { canonicalize, isWellFormed, type JsonValue } from './canonical-json';
import { canonicalEntry, hashedMembers, type ChainedFields } from './audit-entry';

const base: ChainedFields = {
  account_id: 'acc-1',
  operation: 'UPDATE',
  table_name: 'col_posts',
  record_id: 'r1',
  column_name: 'title',
  old_value: null,
  new_value: 'x',
  user_id: 'u1',
  user_email: 'ann@acme.test',
  user_name: 'ann@acme.test',
  es_username: null,
  es_reason: null,
  es_timestamp: null,
  ip_address: '203.0.113.7',
  user_agent: 'jest',
  request_id: 'cid_1',
  occurred_at: '2026-11-30T10:00:00.000Z',
  previous_hash: 'a'.repeat(64),
  extra_metadata: { auth_method: 'jwt' },
};

/** The fast serialisation must be byte for byte the general RFC 8785 one, or old chains stop verifying. */
describe('canonicalEntry', () => {
  it.each([
    ['a plain entry', {}],
    ['nulls everywhere', { account_id: null, user_id: null, user_email: null, user_name: null, ip_address: null, user_agent: null, request_id: null, previous_hash: null, extra_metadata: null }],
    ['quotes, backslashes and control characters', { new_value: 'a "q" \\ \b\f\n\r\t\u0000\u001f\u007f end', old_value: '\u2028\u2029' }],
    ['non-ASCII and astral characters', { new_value: 'Grüße, 東京, 😀, \ufffd', user_agent: 'Mozilla/5.0 (é)' }],
    ['nested metadata with unsorted keys and numbers', { extra_metadata: { z: [3, 1.5, -0, 1e21], a: { y: true, b: null, 'é': 'x', A: 'upper' }, auth_method: 'api_key' } }],
    ['metadata as a bare string or number', { extra_metadata: 'text' }],
    ['empty strings', { new_value: '', old_value: '', column_name: '' }],
    ['an electronic signature', { es_username: 'qa', es_reason: 'approved', es_timestamp: '2026-11-30T10:00:01.000Z' }],
  ])('writes %s as canonicalize does', (_name, patch) => {
    const entry = { ...base, ...patch } as ChainedFields;
    expect(canonicalEntry(entry)).toBe(canonicalize(hashedMembers(entry)));
  });

  it('writes any well-formed text as canonicalize does (1,000 random entries)', () => {
    const text = fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }).filter(isWellFormed), fc.constantFrom('"', '\\', '\u0000', '\u2028', 'é'));
    fc.assert(
      fc.property(fc.option(text), fc.option(text), text, fc.option(text), (oldValue, newValue, column, agent) => {
        const entry = { ...base, old_value: oldValue, new_value: newValue, column_name: column, user_agent: agent } as ChainedFields;
        expect(canonicalEntry(entry)).toBe(canonicalize(hashedMembers(entry)));
      }),
      { numRuns: 1000 },
    );
  });

  it('writes a shared metadata object once per batch, and never answers a changed object with its old text', () => {
    const metadata: Record<string, JsonValue> = { auth_method: 'jwt', n: 1 };
    const texts = new Map<object, string>();
    const first = canonicalEntry({ ...base, extra_metadata: metadata }, texts);
    expect(canonicalEntry({ ...base, column_name: 'other', extra_metadata: metadata }, texts)).toBe(canonicalize(hashedMembers({ ...base, column_name: 'other', extra_metadata: metadata })));
    expect(texts.size).toBe(1);
    metadata['n'] = 2;
    expect(canonicalEntry({ ...base, extra_metadata: metadata })).not.toBe(first);
    expect(canonicalEntry({ ...base, extra_metadata: metadata })).toBe(canonicalize(hashedMembers({ ...base, extra_metadata: metadata })));
  });

  it('refuses a lone surrogate as the general path does', () => {
    expect(() => canonicalEntry({ ...base, new_value: 'a\ud800b' })).toThrow(/lone surrogate/);
  });
});
