import { PassThrough } from 'node:stream';
import { createLogger } from './create-logger';
import { requestIdFrom } from './request-id';

function capture() {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (chunk) => String(chunk).split('\n').filter(Boolean).forEach((l) => lines.push(JSON.parse(l))));
  return { logger: createLogger({ level: 'debug', format: 'json', stream }), lines };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('createLogger', () => {
  it('writes JSON lines with a timestamp, the service and the fields given (request_id among them)', async () => {
    const { logger, lines } = capture();
    logger.info('inside', { n: 1, request_id: 'cid_abc123abc123' });
    await tick();
    expect(lines[0]).toMatchObject({ level: 'info', message: 'inside', n: 1, request_id: 'cid_abc123abc123', service: 'snackbase' });
    expect(lines[0]?.['timestamp']).toEqual(expect.any(String));
  });

  it('never writes passwords, tokens or secrets, at any depth', async () => {
    const { logger, lines } = capture();
    logger.info('login', { email: 'a@b.c', password: 'hunter2', body: { refresh_token: 'rt', nested: { api_key: 'k', authorization: 'Bearer x' } } });
    await tick();
    const text = JSON.stringify(lines[0]);
    for (const secret of ['hunter2', '"rt"', '"k"', 'Bearer x']) expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({ email: 'a@b.c', password: '[redacted]' });
  });
});

describe('requestIdFrom', () => {
  it('keeps a well-formed client id and replaces anything else', () => {
    expect(requestIdFrom('req-42.a:b_c')).toBe('req-42.a:b_c');
    for (const bad of [undefined, '', 'has space', 'x'.repeat(200), 'inj\nected', ['a']]) expect(requestIdFrom(bad)).toMatch(/^cid_[0-9a-f]{12}$/);
  });
});
