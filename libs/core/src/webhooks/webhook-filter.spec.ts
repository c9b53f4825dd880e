import { defaultWebhookViewer } from './webhook-event';
import { checkWebhookFilter, filterMatches } from './webhook-filter';
import { signatureHeader, verifySignature } from './webhook-signature';

describe('webhook filters', () => {
  it.each([
    ["status = 'done'", { status: 'done' }, true],
    ["status = 'done'", { status: 'open' }, false],
    ["title ~ 'lamp'", { title: 'Desk LAMP' }, true],
    ['priority > 2 && !(archived = true)', { priority: 3, archived: false }, true],
    ['priority > 2', { priority: '3' }, false],
    ["status IN ('a', 'b')", { status: 'b' }, true],
    ['missing IS NULL', {}, true],
    ['', { any: 1 }, true],
  ] as const)('%s on %j → %s', (filter, record, expected) => expect(filterMatches(filter, record)).toBe(expected));

  it.each([
    ["status = 'x' &&", 'syntax_error'],
    ['@request.auth.id = 1', 'context_not_allowed'],
    ['a = null', 'null_comparison'],
  ])('refuses %s (%s)', (filter, code) => expect(checkWebhookFilter(filter).map((i) => i.code)).toContain(code));

  it('leaves types to evaluation without a schema, checks them with one', () => {
    expect(checkWebhookFilter('price > 5')).toEqual([]);
    expect(checkWebhookFilter("price > 'x'", [{ name: 'price', type: 'number' }]).map((i) => i.code)).toEqual(['type_mismatch']);
    expect(checkWebhookFilter('nope = 1', [{ name: 'price', type: 'number' }]).map((i) => i.code)).toEqual(['unknown_field']);
  });
});

describe('default viewer', () => {
  const owner = { userId: 'u', accountId: 'a', email: 'e', role: 'user', isSuperadmin: false };
  it('shows no record rows, and auth events only to admins, reduced', () => {
    expect(defaultWebhookViewer(owner, 'posts', { id: 1 })).toBeNull();
    expect(defaultWebhookViewer(owner, 'users', { id: 1, email: 'x', role: 'user' })).toBeNull();
    expect(defaultWebhookViewer({ ...owner, role: 'admin' }, 'users', { id: 1, email: 'x', role: 'user', password_hash: 'h' })).toEqual({ id: 1, email: 'x', role: 'user' });
  });
});

describe('signatures', () => {
  it('refuses stale timestamps and tampered bodies', () => {
    const header = signatureHeader('s'.repeat(32), '{"a":1}', 1_000_000);
    expect(verifySignature('s'.repeat(32), '{"a":1}', header, 1_000_100)).toBe(true);
    expect(verifySignature('s'.repeat(32), '{"a":2}', header, 1_000_100)).toBe(false);
    expect(verifySignature('s'.repeat(32), '{"a":1}', header, 1_000_400)).toBe(false);
  });
});
