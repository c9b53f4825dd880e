import { timeOrderedId } from './time-ordered-id';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('timeOrderedId', () => {
  it('is a version 7 UUID with RFC 9562 variant bits', () => {
    for (let i = 0; i < 1000; i++) expect(timeOrderedId()).toMatch(UUID_V7);
  });

  it('carries the time in milliseconds in its first 48 bits', () => {
    const at = Date.UTC(2026, 11, 1, 2, 30, 0, 123);
    const id = timeOrderedId(at);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at);
  });

  it('sorts ids of later milliseconds after earlier ones, as text', () => {
    const ids = Array.from({ length: 200 }, (_, i) => timeOrderedId(1_700_000_000_000 + i * 7));
    expect([...ids].sort()).toEqual(ids);
  });

  it('is unique within one millisecond', () => {
    const at = Date.now();
    const ids = new Set(Array.from({ length: 10_000 }, () => timeOrderedId(at)));
    expect(ids.size).toBe(10_000);
  });

  it('clamps times outside the 48-bit range instead of producing a malformed id', () => {
    expect(timeOrderedId(-5)).toMatch(/^00000000-0000-7/);
    expect(timeOrderedId(2 ** 50)).toMatch(/^ffffffff-ffff-7/);
    expect(timeOrderedId(2 ** 50)).toMatch(UUID_V7);
  });
});
