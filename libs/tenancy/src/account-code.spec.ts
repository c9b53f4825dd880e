import { isAccountCode, nextAccountCode } from './account-code';

describe('nextAccountCode (spec §2.10)', () => {
  it.each([
    [null, 'AA0001'],
    ['AA0001', 'AA0002'],
    ['AA9999', 'AB0000'],
    ['AZ9999', 'BA0000'],
    ['SX9999', 'SZ0000'],
    ['SY0005', 'SZ0000'],
    ['ZY9999', 'ZZ0000'],
  ])('%s → %s', (prev, next) => expect(nextAccountCode(prev)).toBe(next));

  it('refuses to go beyond ZZ9999', () => {
    expect(() => nextAccountCode('ZZ9999')).toThrow('no account codes left');
  });

  it('recognises well-formed codes only', () => {
    expect(isAccountCode('AB1234')).toBe(true);
    for (const bad of ['ab1234', 'AB123', 'A11234', 'AB12345', '']) expect(isAccountCode(bad)).toBe(false);
  });
});
