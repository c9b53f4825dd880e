import { randomUUID } from 'node:crypto';
import Ajv from 'ajv';
import express, { type Express } from 'express';
import request from 'supertest';
import { hashPassword } from '@snackbase/auth';
import { jobListResponseSchema, jobResponseSchema, jobStatsResponseSchema } from '@snackbase/contract';
import { createSuperadmin, systemContext, type Core, type JobQueue } from '@snackbase/core';
import { accountScope, tenantTable } from '@snackbase/tenancy';
import { TEST_DIALECTS } from '@snackbase/testing';
import { buildOpenApiDocument } from '../openapi/openapi-document';
import { RouteRegistry } from '../openapi/route-registry';
import { signIn, startTestServer, type TestServer } from '../test-support/test-server';
import { registerJobsRoutes } from './jobs-routes';

const PASSWORD = 'Correct-Horse-9!';
const JOBS = '/api/v1/admin/jobs';
const ajv = new Ajv({ strict: false });
const matches = (schema: object, value: unknown) => {
  const validate = ajv.compile(schema);
  return validate(value) ? true : validate.errors;
};

describe.each(TEST_DIALECTS)('jobs routes on %s', (dialect) => {
  let server: TestServer;
  let core: Core;
  let jobs: JobQueue;
  let app: Express;
  let registry: RouteRegistry;
  const token: Record<'root' | 'tenant', string> = { root: '', tenant: '' };
  const fresh = () => `api-${randomUUID().slice(0, 8)}`;

  const as = (who: 'root' | 'tenant' | 'anonymous', method: 'get' | 'post' | 'delete', url: string) => {
    const req = request(app)[method](url);
    return who === 'anonymous' ? req : req.set('Authorization', `Bearer ${token[who]}`);
  };
  const enqueue = (handler = 'noop', queue = fresh()) => jobs.enqueue(core.db, { handler, queue, payload: { to: 'x@example.com' } });
  const dead = async () => {
    const queue = fresh();
    const job = await enqueue('missing_handler', queue);
    await jobs.runNext([queue]);
    return job;
  };

  beforeAll(async () => {
    server = await startTestServer(dialect);
    ({ core, app } = server);
    jobs = core.jobs;
    jobs.register('noop', async () => undefined);
    // The routes the OpenAPI test documents, registered on a router of their own.
    registry = new RouteRegistry();
    registerJobsRoutes(registry, express.Router(), core);
    await createSuperadmin(systemContext('test'), core, { email: 'root@example.com', password: PASSWORD });
    const acme = { id: randomUUID(), account_code: 'JB0001', slug: 'acme-jobs', name: 'Acme' };
    await core.db.kysely.insertInto('accounts').values(acme).execute();
    await tenantTable(core.db.kysely, accountScope(acme.id), 'users')
      .insert({ id: randomUUID(), email: 'ann@acme.test', password_hash: await hashPassword(PASSWORD), role_id: 1, email_verified: true })
      .execute();
    const login = (account: string, email: string) => signIn(app, account, email, PASSWORD);
    token.root = await login('system', 'root@example.com');
    token.tenant = await login('acme-jobs', 'ann@acme.test');
  });
  afterAll(() => server?.close());

  describe('only a superadmin gets in, before any validation', () => {
    const routes: ReadonlyArray<[string, 'get' | 'post' | 'delete', string]> = [
      ['list', 'get', `${JOBS}?limit=9999`],
      ['stats', 'get', `${JOBS}/stats`],
      ['detail', 'get', `${JOBS}/x`],
      ['retry', 'post', `${JOBS}/x/retry`],
      ['cancel', 'post', `${JOBS}/x/cancel`],
      ['delete', 'delete', `${JOBS}/x`],
    ];
    it.each(routes.flatMap(([name, method, url]) => [['anonymous', 401], ['tenant', 403]].map(([who, status]) => [name, who, method, url, status] as const)))(
      '%s as %s (%s %s) → %i',
      async (_name, who, method, url, status) => {
        const res = await as(who as 'anonymous' | 'tenant', method, url).expect(status as number);
        expect(res.body.code).toBe(status === 401 ? 'unauthorized' : 'forbidden');
      },
    );
  });

  it('lists with filters and pages, in the contract shape; bad query values are a 422', async () => {
    const queue = fresh();
    const ids = [(await enqueue('noop', queue)).id, (await enqueue('noop', queue)).id, (await enqueue('other', queue)).id];
    const all = await as('root', 'get', `${JOBS}?queue=${queue}&handler=noop`).expect(200);
    expect(matches(jobListResponseSchema, all.body)).toBe(true);
    expect(all.body.total).toBe(2);
    expect(all.body.items.map((j: { id: string }) => j.id).sort()).toEqual(ids.slice(0, 2).sort());
    expect(all.body.items[0]).toMatchObject({ queue, handler: 'noop', status: 'pending', payload: { to: 'x@example.com' }, attempt_number: 0 });
    const page = await as('root', 'get', `${JOBS}?queue=${queue}&limit=1&offset=1`).expect(200);
    expect(page.body).toMatchObject({ total: 3, items: [expect.any(Object)] });
    expect((await as('root', 'get', `${JOBS}?queue=${queue}&status=dead`).expect(200)).body.total).toBe(0);
    for (const bad of ['limit=201', 'limit=0', 'offset=-1', 'status=bogus']) {
      expect((await as('root', 'get', `${JOBS}?${bad}`).expect(422)).body.code).toBe('invalid_request');
    }
  });

  it('stats counts every status', async () => {
    await dead();
    const res = await as('root', 'get', `${JOBS}/stats`).expect(200);
    expect(matches(jobStatsResponseSchema, res.body)).toBe(true);
    expect(res.body.dead).toBeGreaterThanOrEqual(1);
    expect(res.body.failure_rate).toBeGreaterThan(0);
  });

  it('detail answers the job, or a 404', async () => {
    const job = await enqueue();
    const res = await as('root', 'get', `${JOBS}/${job.id}`).expect(200);
    expect(matches(jobResponseSchema, res.body)).toBe(true);
    expect(res.body).toMatchObject({ id: job.id, status: 'pending' });
    expect((await as('root', 'get', `${JOBS}/${randomUUID()}`).expect(404)).body).toMatchObject({ code: 'not_found', message: 'Job not found' });
  });

  it('retry puts a dead job back as pending with attempts reset; other states are a 400', async () => {
    const job = await dead();
    expect((await jobs.get(job.id)).status).toBe('dead');
    const res = await as('root', 'post', `${JOBS}/${job.id}/retry`).expect(200);
    expect(res.body).toMatchObject({ id: job.id, status: 'pending', attempt_number: 0, error_message: null });
    expect((await as('root', 'post', `${JOBS}/${job.id}/retry`).expect(400)).body.code).toBe('bad_request');
    await as('root', 'post', `${JOBS}/${randomUUID()}/retry`).expect(404);
  });

  it('cancel stops a pending job; a running job is a 409 and keeps running; a finished one is a 400', async () => {
    const pending = await enqueue();
    expect((await as('root', 'post', `${JOBS}/${pending.id}/cancel`).expect(200)).body).toMatchObject({ id: pending.id, status: 'cancelled' });
    expect((await as('root', 'post', `${JOBS}/${pending.id}/cancel`).expect(400)).body.code).toBe('bad_request');

    const queue = fresh();
    const running = await enqueue('noop', queue);
    const claimed = await jobs.claimNext([queue]);
    expect(claimed?.id).toBe(running.id);
    expect((await as('root', 'post', `${JOBS}/${running.id}/cancel`).expect(409)).body.code).toBe('conflict');
    await as('root', 'delete', `${JOBS}/${running.id}`).expect(409);
    expect((await jobs.get(running.id)).status).toBe('running');
    await as('root', 'post', `${JOBS}/${randomUUID()}/cancel`).expect(404);

    const other = await enqueue();
    const removed = await as('root', 'delete', `${JOBS}/${other.id}`).expect(204);
    expect(removed.text).toBe('');
    expect(removed.headers['content-type']).toBeUndefined();
    expect((await jobs.get(other.id)).status).toBe('cancelled');
  });

  it('documents the routes in OpenAPI', () => {
    const doc = buildOpenApiDocument(registry.routes, { title: 'SnackBase', version: '0' }) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths[JOBS] ?? {})).toEqual(['get']);
    expect(Object.keys(doc.paths[`${JOBS}/{id}`] ?? {}).sort()).toEqual(['delete', 'get']);
    expect(Object.keys(doc.paths[`${JOBS}/{id}/cancel`] ?? {})).toEqual(['post']);
  });
});
