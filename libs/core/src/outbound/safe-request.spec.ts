import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { addressProblem, parseCidrList } from './address-policy';
import { safeRequest } from './safe-request';

/** The status, reason and name of a rejection, whatever realm threw it. */
async function refusal(p: Promise<unknown>): Promise<{ name: string; reason?: string; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; reason?: string; message: string };
    return { name: err.name, reason: err.reason, message: err.message };
  }
  throw new Error('expected a rejection');
}

describe('addressProblem', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '255.255.255.255',
    '224.0.0.1',
    '240.0.0.1',
    '192.0.2.1',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd00:ec2::254',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '64:ff9b::7f00:1',
    '2002:7f00:1::1',
    '2001:db8::1',
  ])('refuses %s', (address) => expect(addressProblem(address, [])).not.toBeNull());

  it.each(['8.8.8.8', '1.1.1.1', '2606:4700::1111'])('allows public %s', (address) => expect(addressProblem(address, [])).toBeNull());

  it('allows only inside the configured CIDRs', () => {
    const allow = parseCidrList(['127.0.0.1/32', '10.0.0.0/8']);
    expect(addressProblem('127.0.0.1', allow)).toBeNull();
    expect(addressProblem('::ffff:127.0.0.1', allow)).toBeNull();
    expect(addressProblem('10.9.9.9', allow)).toBeNull();
    expect(addressProblem('127.0.0.2', allow)).not.toBeNull();
    expect(addressProblem('169.254.169.254', allow)).not.toBeNull();
  });

  it('rejects a malformed allow list', () => expect(() => parseCidrList(['nope'])).toThrow('Not a CIDR'));
});

describe('safeRequest', () => {
  let server: Server;
  let port: number;
  const seen: string[] = [];
  let reply: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_req, res) => res.end('ok');

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      reply(req, res);
    });
    // Count connections too: a refused request must not even open a socket.
    server.on('connection', () => seen.push('connection'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    seen.length = 0;
    reply = (_req, res) => res.end('ok');
  });

  const LOOPBACK_FORMS = [
    ['literal', () => `http://127.0.0.1:${port}/x`],
    ['localhost', () => `http://localhost:${port}/x`],
    ['IPv6 loopback', () => `http://[::1]:${port}/x`],
    ['decimal IPv4', () => `http://2130706433:${port}/x`],
    ['hex IPv4', () => `http://0x7f000001:${port}/x`],
    ['octal IPv4', () => `http://0177.0.0.1:${port}/x`],
    ['IPv4-mapped IPv6', () => `http://[::ffff:127.0.0.1]:${port}/x`],
  ] as const;

  it.each(LOOPBACK_FORMS)('refuses the %s form before sending anything', async (_name, url) => {
    const r = await refusal(safeRequest(url(), { method: 'POST', body: '{}' }));
    expect(r.name).toBe('OutboundBlockedError');
    expect(r.reason).toBe('address_not_allowed');
    expect(seen).toEqual([]);
  });

  it.each(['http://10.0.0.1/', 'http://169.254.169.254/latest/meta-data/', 'http://100.64.0.1/', 'http://[fd00:ec2::254]/', 'http://0.0.0.0/'])('refuses %s', async (url) => {
    expect((await refusal(safeRequest(url))).reason).toBe('address_not_allowed');
  });

  it('refuses a host name that resolves to loopback, checking every address', async () => {
    const resolve = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ];
    const r = await refusal(safeRequest(`http://rebind.example:${port}/`, { resolve }));
    expect(r.reason).toBe('address_not_allowed');
    expect(seen).toEqual([]);
  });

  it('connects to the address the check saw (no second resolution)', async () => {
    let calls = 0;
    const resolve = async () => {
      calls++;
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const res = await safeRequest(`http://hooks.example:${port}/in`, { resolve, allowPrivate: ['127.0.0.1/32'] });
    expect(res.status).toBe(200);
    expect(calls).toBe(1);
    expect(seen).toContain('GET /in');
  });

  it('delivers to 127.0.0.1 when allowed, with the body and headers', async () => {
    let body = '';
    reply = (req, res) => {
      req.on('data', (c) => (body += c));
      req.on('end', () => res.writeHead(201, { 'x-echo': String(req.headers['x-test']) }).end('created'));
    };
    const res = await safeRequest(`http://127.0.0.1:${port}/in`, { method: 'POST', body: '{"a":1}', headers: { 'x-test': 'yes' }, allowPrivate: ['127.0.0.1/32'] });
    expect(res).toMatchObject({ status: 201 });
    expect(res.headers['x-echo']).toBe('yes');
    expect(res.body.toString()).toBe('created');
    expect(body).toBe('{"a":1}');
  });

  it.each([
    ['ftp://example.com/', 'scheme_not_allowed'],
    ['file:///etc/passwd', 'scheme_not_allowed'],
    ['gopher://example.com/', 'scheme_not_allowed'],
    ['http://user:pw@example.com/', 'credentials_in_url'],
    ['not a url', 'invalid_url'],
  ])('refuses %s (%s)', async (url, reason) => {
    expect((await refusal(safeRequest(url))).reason).toBe(reason);
  });

  it('returns a redirect without following it', async () => {
    reply = (req, res) => (req.url === '/moved' ? res.writeHead(302, { location: `http://127.0.0.1:${port}/target` }).end() : res.end('followed'));
    const res = await safeRequest(`http://127.0.0.1:${port}/moved`, { allowPrivate: ['127.0.0.1/32'] });
    expect(res.status).toBe(302);
    expect(seen.filter((s) => s !== 'connection')).toEqual(['GET /moved']);
  });

  it('refuses a response over the size cap', async () => {
    reply = (_req, res) => res.end('x'.repeat(10_000));
    const r = await refusal(safeRequest(`http://127.0.0.1:${port}/big`, { allowPrivate: ['127.0.0.1/32'], maxResponseBytes: 1000 }));
    expect(r.reason).toBe('response_too_large');
  });

  it('times out', async () => {
    reply = () => undefined;
    const r = await refusal(safeRequest(`http://127.0.0.1:${port}/slow`, { allowPrivate: ['127.0.0.1/32'], timeoutMs: 200 }));
    expect(r).toMatchObject({ name: 'OutboundRequestError', reason: 'timeout' });
  });
});
