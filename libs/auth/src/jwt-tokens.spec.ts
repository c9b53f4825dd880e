import { createHmac } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { createTokenSigner, TokenError } from './jwt-tokens';

const secret = 's'.repeat(64);
const signer = createTokenSigner({ secret, accessMinutes: 60, refreshDays: 7 });
const claims = { user_id: 'u1', account_id: 'a1', email: 'a@b.c', role: 'admin', sid: 'fam1' };

function b64(o: object) {
  return Buffer.from(JSON.stringify(o)).toString('base64url');
}

describe('createTokenSigner', () => {
  it('signs access tokens that verify with their claims and a one-hour life', () => {
    const { token, jti, expiresIn } = signer.signAccess(claims);
    const c = signer.verifyAccess(token);
    expect(c).toMatchObject({ ...claims, sub: 'u1', jti, type: 'access', iss: 'snackbase' });
    expect(c.exp - c.iat).toBe(3600);
    expect(expiresIn).toBe(3600);
  });

  it('keeps access and refresh tokens apart', () => {
    const refresh = signer.signRefresh({ user_id: 'u1', account_id: 'a1', sid: 'fam1' });
    expect(() => signer.verifyAccess(refresh.token)).toThrow('Not an access token');
    expect(() => signer.verifyRefresh(signer.signAccess(claims).token)).toThrow('Not a refresh token');
    expect(signer.verifyRefresh(refresh.token)).toMatchObject({ sid: 'fam1', jti: refresh.jti, type: 'refresh' });
  });

  it.each([
    ['alg none', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, sub: 'u1', type: 'access', iss: 'snackbase' })}.`],
    ['another secret', () => jwt.sign({ ...claims, type: 'access' }, 'x'.repeat(64), { issuer: 'snackbase', subject: 'u1' })],
    ['another issuer', () => jwt.sign({ ...claims, type: 'access' }, secret, { issuer: 'evil', subject: 'u1' })],
    ['HS512 with the right secret', () => jwt.sign({ ...claims, type: 'access' }, secret, { algorithm: 'HS512', issuer: 'snackbase', subject: 'u1' })],
    ['an expired token', () => jwt.sign({ ...claims, type: 'access', exp: Math.floor(Date.now() / 1000) - 10 }, secret, { issuer: 'snackbase', subject: 'u1' })],
    ['a tampered payload', () => {
      const [h, , s] = signer.signAccess(claims).token.split('.');
      return `${h}.${b64({ ...claims, role: 'superadmin', type: 'access', iss: 'snackbase', sub: 'u1' })}.${s}`;
    }],
    ['a hand-made HS256 token without sid', () => {
      const head = b64({ alg: 'HS256', typ: 'JWT' });
      const body = b64({ sub: 'u1', account_id: 'a1', type: 'access', iss: 'snackbase', exp: Math.floor(Date.now() / 1000) + 60 });
      return `${head}.${body}.${createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url')}`;
    }],
    ['garbage', () => 'not.a.jwt'],
  ])('refuses %s', (_name, make) => {
    expect(() => signer.verifyAccess(make())).toThrow(TokenError);
  });
});
