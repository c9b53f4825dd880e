import { deriveAdminSlug, deriveSlug, slugProblem, uniqueSlug } from './slug';

describe('deriveSlug (registration, spec §2.10)', () => {
  it.each([
    ['Acme Corp', 'acme-corp'],
    ['Café Ünïcode 42', 'cafe-unicode-42'],
    ['  --42 Things!! ', 'things'],
    ['日本', 'account'],
    ['ab', 'account'],
    ['x'.repeat(40), 'x'.repeat(32)],
    ['a'.repeat(31) + ' b', 'a'.repeat(31)],
  ])('%j → %j', (name, slug) => expect(deriveSlug(name)).toBe(slug));
});

describe('deriveAdminSlug (accounts API)', () => {
  it.each([
    ['Acme Corp', 'acme-corp'],
    ['42 Things', '42-things'],
    ['a', 'account-a'],
    ['!!', 'account'],
  ])('%j → %j', (name, slug) => expect(deriveAdminSlug(name)).toBe(slug));
});

describe('slugProblem', () => {
  it.each([
    ['acme', 'registration', null],
    ['ab', 'registration', 'Slug must be between 3 and 32 characters'],
    ['1acme', 'registration', expect.stringContaining('start with a letter')],
    ['1acme', 'admin', null],
    ['Acme', 'admin', expect.stringContaining('lowercase')],
    ['a'.repeat(33), 'admin', expect.stringContaining('between')],
  ] as const)('%j (%s)', (slug, rule, problem) => expect(slugProblem(slug, rule)).toEqual(problem));
});

describe('uniqueSlug', () => {
  it('appends -1, -2 … and stays within 32 characters', async () => {
    const taken = new Set(['acme', 'acme-1']);
    expect(await uniqueSlug('acme', async (s) => taken.has(s))).toBe('acme-2');
    const long = 'y'.repeat(32);
    expect(await uniqueSlug(long, async (s) => s === long)).toBe('y'.repeat(30) + '-1');
  });
});
