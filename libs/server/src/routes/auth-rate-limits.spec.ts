import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { signIn, startTestServer, type TestServer } from '../test-support/test-server';
import { addVerifiedUser, insertTwoAccounts } from '../test-support/two-accounts';

/**
 * The brute-force limits per client IP (SNACKBASE_AUTH_RATE_LIMIT_PER_IP) guard exactly the
 * public identity routes, wherever createApp registers them: each of them answers 429 past the
 * limit, and other API routes never count against it. One dialect: the wiring is the subject.
 */
const GUARDED = [
  ['/api/v1/auth/login', { account: 'acme', email: 'x@acme.test', password: 'wrong' }],
  ['/api/v1/auth/register', { email: 'bad', password: 'x', account_name: '' }],
  ['/api/v1/auth/forgot-password', { email: 'nobody@acme.test', account: 'acme' }],
  ['/api/v1/auth/verify-email', { token: 'nope' }],
  ['/api/v1/auth/reset-password', { token: 'nope', new_password: 'Another-Pass-9!' }],
  ['/api/v1/invitations/nope/accept', { password: 'Another-Pass-9!' }],
] as const;

describe('auth rate limits through createApp', () => {
  let server: TestServer;
  const A = { id: randomUUID(), code: 'RL0001' };
  const B = { id: randomUUID(), code: 'RL0002' };

  beforeAll(async () => {
    server = await startTestServer('sqlite', { env: { SNACKBASE_AUTH_RATE_LIMIT_PER_IP: '2', SNACKBASE_AUTH_RATE_LIMIT_PER_IDENTITY: '0' } });
    await insertTwoAccounts(server.core, { A, B });
  });
  afterAll(async () => server?.close());

  it.each(GUARDED)('%s answers 429 after 2 attempts from one IP', async (path, body) => {
    // One per-IP bucket for all of them (supertest's peer address): emptied before each route.
    await server.core.rateLimit.reset('auth-ip', 'ip:::ffff:127.0.0.1');
    for (let i = 0; i < 2; i++) expect((await request(server.app).post(path).send(body)).status).not.toBe(429);
    const limited = await request(server.app).post(path).send(body);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'too_many_requests' });
  });

  it('other API routes do not count against the limit', async () => {
    await server.core.rateLimit.reset('auth-ip', 'ip:::ffff:127.0.0.1');
    await addVerifiedUser(server.core, A.id, { id: randomUUID(), email: 'ann@acme.test', password: 'Correct-Horse-9!' });
    const token = await signIn(server.app, 'acme', 'ann@acme.test', 'Correct-Horse-9!'); // 1 attempt
    for (let i = 0; i < 5; i++) await request(server.app).get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
    await request(server.app).post('/api/v1/auth/logout').set('Authorization', `Bearer ${token}`).send({}).expect(200);
    expect((await request(server.app).post('/api/v1/auth/login').send(GUARDED[0][1])).status).toBe(401); // attempt 2
    expect((await request(server.app).post('/api/v1/auth/login').send(GUARDED[0][1])).status).toBe(429);
  });
});
