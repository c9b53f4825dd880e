import { AppError } from '../errors';
import { generateApiKey, isApiKeyFormat, maskKeyHash } from './api-key-format';
import { parseExpiry } from './create-api-keys';

describe('API key format', () => {
  it('issues opaque sb_ak. keys the SDK reads as API keys, different every time', () => {
    const a = generateApiKey();
    expect(a).toMatch(/^sb_ak\.[A-Za-z0-9_-]{43}$/);
    expect(a.split('.')[0]).toBe('sb_ak');
    expect(generateApiKey()).not.toBe(a);
  });

  it.each([
    ['an issued key', generateApiKey(), true],
    ['a legacy key', 'sb_sk_0123456789abcdef0123', true],
    ['a reference-style sb_ak token', 'sb_ak.eyJ2ZXJzaW9uIjoxfQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ', true],
    ['a bare prefix', 'sb_ak.', false],
    ['a short body', 'sb_sk_abc', false],
    ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.e30.sig', false],
    ['another sb_ prefix', 'sb_pt.0123456789abcdef0123', false],
    ['spaces inside', 'sb_ak.0123456789 abcdef0123', false],
    ['an oversized value', `sb_ak.${'a'.repeat(600)}`, false],
  ])('%s → %s', (_label, value, ok) => {
    expect(isApiKeyFormat(value)).toBe(ok);
  });

  it('masks the hash as first6...last4', () => {
    expect(maskKeyHash('9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08')).toBe('9f86d0...0a08');
  });
});

describe('parseExpiry', () => {
  const now = Date.parse('2025-06-01T00:00:00Z');

  it.each([
    [undefined, null],
    [null, null],
    ['2025-06-02T00:00:00Z', '2025-06-02T00:00:00.000Z'],
    ['2025-06-02T02:00:00+02:00', '2025-06-02T00:00:00.000Z'],
    ['2025-06-02T00:00:00', '2025-06-02T00:00:00.000Z'],
    ['2025-06-02', '2025-06-02T00:00:00.000Z'],
  ])('%j → %j (no zone = UTC)', (value, stored) => {
    expect(parseExpiry(value, now)).toBe(stored);
  });

  it.each([
    ['tomorrow', 422],
    ['1750000000', 422],
    ['2025-13-45T00:00:00Z', 422],
    ['2025-05-31T23:59:59Z', 400],
    ['2025-06-01T00:00:00Z', 400],
  ])('refuses %j with %i', (value, status) => {
    const e = (() => {
      try {
        parseExpiry(value, now);
      } catch (x) {
        return x;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(AppError);
    expect(e).toMatchObject({ status, details: [expect.objectContaining({ field: 'expires_at' })] });
  });
});
