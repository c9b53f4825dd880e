import { hashPassword, verifyDummyPassword, verifyPassword } from './password-hash';
import { passwordProblems } from './password-policy';

describe('passwords', () => {
  it('hashes with Argon2id and verifies only the right password', async () => {
    const phc = await hashPassword('Correct-Horse-9');
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=65536,t=3,p=4\$/);
    expect(await verifyPassword(phc, 'Correct-Horse-9')).toBe(true);
    expect(await verifyPassword(phc, 'correct-horse-9')).toBe(false);
  });

  it('treats a malformed hash as a mismatch, not an error', async () => {
    expect(await verifyPassword('not-a-hash', 'x')).toBe(false);
    expect(await verifyDummyPassword('anything')).toBe(false);
  });
});

describe('password policy (spec §2.9)', () => {
  it('accepts a strong password', () => expect(passwordProblems('Str0ng!Passw0rd')).toEqual([]));

  it('reports every problem at once', () => {
    expect(passwordProblems('abc').map((p) => p.code)).toEqual([
      'password_too_short',
      'password_no_uppercase',
      'password_no_digit',
      'password_no_special',
    ]);
  });

  it.each([
    ['NoDigitsHere!!', 'password_no_digit'],
    ['nouppercase1!!', 'password_no_uppercase'],
    ['NOLOWERCASE1!!', 'password_no_lowercase'],
    ['NoSpecialChar12', 'password_no_special'],
  ])('%s → %s', (pw, code) => expect(passwordProblems(pw).map((p) => p.code)).toEqual([code]));
});
