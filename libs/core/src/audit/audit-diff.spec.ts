import { accountOf, diffChange, type AuditChange } from './audit-diff';
import { encodeAuditValue, isSecretName, REDACTED } from './audit-value';

describe('encodeAuditValue', () => {
  it.each([
    ['null', null, null],
    ['undefined', undefined, null],
    ['a string as is', 'héllo', 'héllo'],
    ['true', true, 'true'],
    ['false', false, 'false'],
    ['an integer', 42, '42'],
    ['a float in JCS form', 4.5, '4.5'],
    ['-0', -0, '0'],
    ['a large number', 1e21, '1e+21'],
    ['a Date as ISO UTC with ms', new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 6)), '2025-01-02T03:04:05.006Z'],
    ['a bigint', 12345678901234567890n, '12345678901234567890'],
    ['bytes as base64', Buffer.from('hi'), 'aGk='],
    ['an object as JCS', { b: [true, null], a: 1.0 }, '{"a":1,"b":[true,null]}'],
    ['an array as JCS', [{ z: 1, y: 'x' }], '[{"y":"x","z":1}]'],
    ['nested secrets redacted', { name: 'x', password: 'p', nested: { api_key: 'k' } }, '{"name":"x","nested":{"api_key":"[redacted]"},"password":"[redacted]"}'],
    ['a lone surrogate as U+FFFD', 'a\ud800b', 'a\ufffdb'],
  ] as const)('encodes %s', (_name, value, expected) => {
    expect(encodeAuditValue(value)).toBe(expected);
  });
});

describe('isSecretName', () => {
  it.each(['password', 'PASSWORD_HASH', 'token_hash', 'key_hash', 'token', 'refresh_token', 'client_secret', 'secret', 'code_verifier', 'new_password', 'ssh_private_key'])(
    '%s is secret',
    (name) => expect(isSecretName(name)).toBe(true),
  );
  it.each(['email', 'name', 'token_type', 'hashtag', 'secretary_name', 'checksum'])('%s is not', (name) => expect(isSecretName(name)).toBe(false));
});

describe('diffChange', () => {
  const base = { table: 'users', recordId: 'u1' } as const;
  it.each<[string, AuditChange, ReturnType<typeof diffChange>]>([
    [
      'CREATE → every column, old null',
      { ...base, operation: 'CREATE', after: { id: 'u1', email: 'a@b.c', is_active: true, role_id: 2, note: undefined } },
      [
        { column: 'id', oldValue: null, newValue: 'u1' },
        { column: 'email', oldValue: null, newValue: 'a@b.c' },
        { column: 'is_active', oldValue: null, newValue: 'true' },
        { column: 'role_id', oldValue: null, newValue: '2' },
      ],
    ],
    [
      'UPDATE → only changed columns of after',
      { ...base, operation: 'UPDATE', before: { id: 'u1', email: 'a@b.c', profile: { a: 1 }, untouched: 'x' }, after: { id: 'u1', email: 'z@b.c', profile: { a: 1 } } },
      [{ column: 'email', oldValue: 'a@b.c', newValue: 'z@b.c' }],
    ],
    [
      'UPDATE of a column the row did not have → old null',
      { ...base, operation: 'UPDATE', before: { id: 'u1' }, after: { id: 'u1', extra: null, added: 'y' } },
      [{ column: 'added', oldValue: null, newValue: 'y' }],
    ],
    [
      'UPDATE with nothing changed → no entries',
      { ...base, operation: 'UPDATE', before: { a: 1, d: new Date(0) }, after: { a: 1, d: new Date(0) } },
      [],
    ],
    [
      'DELETE → every column of before, new null',
      { ...base, operation: 'DELETE', before: { id: 'u1', email: 'a@b.c' } },
      [
        { column: 'id', oldValue: 'u1', newValue: null },
        { column: 'email', oldValue: 'a@b.c', newValue: null },
      ],
    ],
    [
      'secrets on CREATE redacted',
      { ...base, operation: 'CREATE', after: { email: 'a@b.c', password_hash: '$argon2id$…', token_hash: 'abc', client_secret: null } },
      [
        { column: 'email', oldValue: null, newValue: 'a@b.c' },
        { column: 'password_hash', oldValue: null, newValue: REDACTED },
        { column: 'token_hash', oldValue: null, newValue: REDACTED },
        { column: 'client_secret', oldValue: null, newValue: null },
      ],
    ],
    [
      'a changed secret shows as a redacted UPDATE',
      { ...base, operation: 'UPDATE', before: { password_hash: 'old-hash' }, after: { password_hash: 'new-hash' } },
      [{ column: 'password_hash', oldValue: REDACTED, newValue: REDACTED }],
    ],
    [
      'secrets on DELETE redacted',
      { ...base, operation: 'DELETE', before: { key_hash: 'h', token: 'plain-invitation-token' } },
      [
        { column: 'key_hash', oldValue: REDACTED, newValue: null },
        { column: 'token', oldValue: REDACTED, newValue: null },
      ],
    ],
  ])('%s', (_name, change, expected) => {
    expect(diffChange(change)).toEqual(expected);
  });

  it('never lets a secret value through, whatever the operation', () => {
    const secret = 'super-secret-value-123';
    for (const operation of ['CREATE', 'UPDATE', 'DELETE'] as const) {
      const rows = diffChange({ ...base, operation, before: { password: 'x', profile: { token: secret } }, after: { password: secret, profile: { token: secret, n: 1 } } });
      expect(JSON.stringify(rows)).not.toContain(secret);
    }
  });

  it('takes the account from the change, else from the row', () => {
    expect(accountOf({ ...base, operation: 'CREATE', accountId: 'acc', after: { account_id: 'other' } })).toBe('acc');
    expect(accountOf({ ...base, operation: 'DELETE', before: { account_id: 'row-acc' } })).toBe('row-acc');
    expect(accountOf({ ...base, operation: 'CREATE', accountId: null, after: { account_id: 'x' } })).toBeNull();
    expect(accountOf({ ...base, operation: 'CREATE', after: {} })).toBeNull();
  });
});
