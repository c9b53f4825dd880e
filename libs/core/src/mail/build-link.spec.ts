import { joinLink } from './build-link';
import { redactMailVariables } from './redact-variables';

describe('joinLink', () => {
  it.each([
    ['https://app.test', '/verify-email', { token: 'abc' }, 'https://app.test/verify-email?token=abc'],
    ['https://app.test/', 'verify-email', {}, 'https://app.test/verify-email'],
    ['https://app.test/base/', '/reset-password', { token: 'a b&c=d/+' }, 'https://app.test/base/reset-password?token=a%20b%26c%3Dd%2F%2B'],
    ['http://localhost:8000', '/x', { a: '1', 'b c': 'é' }, 'http://localhost:8000/x?a=1&b%20c=%C3%A9'],
  ])('%s + %s', (base, path, params, expected) => {
    expect(joinLink(base, path, params)).toBe(expected);
  });
});

describe('redactMailVariables', () => {
  it('redacts *_url and *token keys and any value carrying a token query parameter', () => {
    expect(
      redactMailVariables({ verification_url: 'https://a.test/v?token=s', token: 's', refresh_token: 's', link: 'https://a.test/?reset_token=s', email: 'a@b.test', n: 3 }),
    ).toEqual({ verification_url: '[redacted]', token: '[redacted]', refresh_token: '[redacted]', link: '[redacted]', email: 'a@b.test', n: 3 });
  });
});
