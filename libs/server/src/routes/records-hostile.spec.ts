import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { createSuperadmin, systemContext, type Core } from '@snackbase/core';
import { accountScope, dynamicTenantTable } from '@snackbase/tenancy';
import { TEST_DIALECTS } from '@snackbase/testing';
import { defineCollection } from '../test-support/collection-fixture';
import { signIn as signInAs, startTestServer, type TestServer } from '../test-support/test-server';
import { addVerifiedUser, insertTwoAccounts } from '../test-support/two-accounts';

jest.setTimeout(120_000);

const PASSWORD = 'Correct-Horse-9!';
type Body = Record<string, unknown>;

/**
 * Hostile input on the records, collections and import APIs: every one of these answered 500
 * (or wrote something) before its fix. Each answer must be a 4xx with the one error body, never
 * SQL or a stack, on both dialects.
 */
describe.each(TEST_DIALECTS)('hostile requests on %s', (dialect) => {
  let server: TestServer;
  let core: Core;
  let app: Express;
  const A = { id: randomUUID(), code: 'AA0001' };
  const B = { id: randomUUID(), code: 'BB0001' };
  const tokens: Record<'userA' | 'superadmin', string> = { userA: '', superadmin: '' };
  let recordId = '';

  const as = (who: keyof typeof tokens) => ({ Authorization: `Bearer ${tokens[who]}` });
  const u = (path: string) => `/api/v1/records/${path}`;

  /** A 4xx in the one error body, with nothing of SQL or a stack in it. */
  function expectClientError(res: request.Response, status: number, code?: string): void {
    expect({ status: res.status, body: res.body }).toMatchObject({ status, body: code ? { code } : {} });
    expect(res.body).toEqual(expect.objectContaining({ error: expect.any(String), message: expect.any(String), code: expect.any(String), request_id: expect.any(String) }));
    expect(JSON.stringify(res.body)).not.toMatch(/select |insert |update "|sqlite|syntax error|\n\s+at /i);
  }

  async function rowCount(table: string): Promise<number> {
    const rows = await dynamicTenantTable(core.db.kysely, accountScope(A.id), table).select().select('id').execute();
    return rows.length;
  }

  /** Audit entries of `table` (one per changed column) and the records they name. */
  async function auditCount(table: string): Promise<{ entries: number; records: number }> {
    await core.audit.flush();
    const rows = await core.db.kysely.selectFrom('audit_log').select('record_id').where('table_name', '=', table).execute();
    return { entries: rows.length, records: new Set(rows.map((r) => r.record_id)).size };
  }

  beforeAll(async () => {
    server = await startTestServer(dialect);
    ({ core, app } = server);
    await createSuperadmin(systemContext('test'), core, { email: 'root@example.com', password: PASSWORD });
    await insertTwoAccounts(core, { A, B });
    await addVerifiedUser(core, A.id, { id: randomUUID(), email: 'ann@acme.test', password: PASSWORD });
    tokens.userA = await signInAs(app, 'acme', 'ann@acme.test', PASSWORD);
    tokens.superadmin = await signInAs(app, 'system', 'root@example.com', PASSWORD);
    const open = { list_rule: '', view_rule: '', create_rule: '', update_rule: '', delete_rule: '' };
    await defineCollection(core, {
      name: 'things',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'n', type: 'number' },
        { name: 'at', type: 'datetime' },
      ],
      rules: open,
    });
    const created = await request(app).post(u('things')).set(as('userA')).send({ title: 'one', n: 2, at: '2024-05-01T10:00:00Z' }).expect(201);
    recordId = created.body.id;
  });
  afterAll(async () => {
    await server?.close();
  });

  describe('names of Object.prototype members (record-sort.ts, record-aggregate.ts)', () => {
    it.each(['constructor', '-constructor', '__proto__', 'toString', '-hasOwnProperty'])('?sort=%s is 400 invalid_sort', async (sort) => {
      const res = await request(app).get(`${u('things')}?sort=${encodeURIComponent(sort)}`).set(as('userA'));
      expectClientError(res, 400, 'invalid_sort');
    });

    it('a cursor page sorted by such a name is 400 as well', async () => {
      const res = await request(app).get(`${u('things')}?cursor=&sort=constructor`).set(as('userA'));
      expectClientError(res, 400, 'invalid_sort');
    });

    it.each([
      ['group_by=__proto__', 'functions=count()&group_by=__proto__'],
      ['group_by=constructor', 'functions=count()&group_by=constructor'],
      ['group_by=valueOf', 'functions=count()&group_by=valueOf'],
      ['max(constructor)', `functions=${encodeURIComponent('max(constructor)')}`],
      ['min(__proto__)', `functions=${encodeURIComponent('min(__proto__)')}`],
    ])('aggregate %s is 400 invalid_aggregation', async (_label, query) => {
      const res = await request(app).get(`${u('things/aggregate')}?${query}`).set(as('userA'));
      expectClientError(res, 400, 'invalid_aggregation');
    });
  });

  describe('text that is no timestamp compared with or read as a datetime (compile-expression.ts temporalMix, temporalArgument)', () => {
    it.each([`at > 'garbage'`, `created_at < '2024-02-30'`, `at IN ('x', '2024-05-01T10:00:00.000Z')`, `updated_at = '2024-01-01T10:00:00+99:00'`, `date_diff(title, at, 'days') > 1`, `date_add('soon', 1, 'days') = at`])(
      '?filter=%s is answered, compared as text as on SQLite',
      async (filter) => {
        const res = await request(app).get(`${u('things')}?filter=${encodeURIComponent(filter)}`).set(as('userA'));
        expect({ status: res.status, body: res.body.error }).toEqual({ status: 200, body: undefined });
      },
    );

    it('compares as text: a stored ISO timestamp sorts before a letter', async () => {
      const after = await request(app).get(`${u('things')}?filter=${encodeURIComponent(`at > 'garbage'`)}`).set(as('userA')).expect(200);
      const before = await request(app).get(`${u('things')}?filter=${encodeURIComponent(`at < 'garbage'`)}`).set(as('userA')).expect(200);
      expect([after.body.total, before.body.total]).toEqual([0, 1]);
    });
  });

  describe('having values of the wrong type (record-aggregate.ts havingSql)', () => {
    const agg = (functions: string, having: string) =>
      request(app).get(`${u('things/aggregate')}?functions=${encodeURIComponent(functions)}&having=${encodeURIComponent(having)}`).set(as('userA'));

    it.each([
      ['avg(n)', "avg_n > 'x'"],
      ['sum(n)', "sum_n = 'abc'"],
      ['count()', "count > '3'"],
      ['max(n)', "max_n < 'ten'"],
      ['min(at)', 'min_at > 5'],
      ['max(at)', "max_at < 'yesterday'"],
      ['min(title)', 'min_title > 3'],
      ['count()', `count > ${'9'.repeat(400)}`],
    ])('%s with having %s is 400 invalid_aggregation', async (functions, having) => {
      expectClientError(await agg(functions, having), 400, 'invalid_aggregation');
    });

    it('values of the right type still filter the groups', async () => {
      expect((await agg('count()', 'count > 0').expect(200)).body).toEqual({ results: [{ count: 1 }], total_groups: 1 });
      expect((await agg('count()', 'count > 1').expect(200)).body).toEqual({ results: [], total_groups: 0 });
      expect((await agg('min(at)', "min_at >= '2024-05-01T10:00:00Z'").expect(200)).body.total_groups).toBe(1);
      expect((await agg('min(at)', "min_at > '2024-05-01T12:00:00+01:00'").expect(200)).body.total_groups).toBe(0);
      expect((await agg('max(title)', "max_title = 'one'").expect(200)).body.total_groups).toBe(1);
      expect((await agg('avg(n)', 'avg_n >= 1.5').expect(200)).body.total_groups).toBe(1);
    });
  });

  describe('a JSON null body (records-write-routes.ts, collections-routes.ts, collection-rules-routes.ts)', () => {
    const sendNull = (req: request.Test) => req.set('Content-Type', 'application/json').send('null');

    it('on record create, replace and patch is 422 and writes nothing', async () => {
      const before = { rows: await rowCount('col_things'), audits: await auditCount('col_things') };
      const stored = await request(app).get(u(`things/${recordId}`)).set(as('userA')).expect(200);
      expectClientError(await sendNull(request(app).post(u('things')).set(as('userA'))), 422, 'invalid_request');
      expectClientError(await sendNull(request(app).put(u(`things/${recordId}`)).set(as('userA'))), 422, 'invalid_request');
      expectClientError(await sendNull(request(app).patch(u(`things/${recordId}`)).set(as('userA'))), 422, 'invalid_request');
      expect({ rows: await rowCount('col_things'), audits: await auditCount('col_things') }).toEqual(before);
      const after = await request(app).get(u(`things/${recordId}`)).set(as('userA')).expect(200);
      expect(after.body.updated_at).toBe(stored.body.updated_at);
    });

    it('an empty body still creates a record with its defaults (no regression)', async () => {
      const res = await request(app).post(u('things')).set(as('userA')).expect(201);
      expect(res.body).toMatchObject({ account_id: A.id });
      await request(app).delete(u(`things/${res.body.id}`)).set(as('userA')).expect(204);
    });

    it('on collection create, collection update and rules update is 422', async () => {
      const things = await core.catalog.byName('things');
      expectClientError(await sendNull(request(app).post('/api/v1/collections').set(as('superadmin'))), 422, 'invalid_request');
      expectClientError(await sendNull(request(app).put(`/api/v1/collections/${things?.id}`).set(as('superadmin'))), 422, 'invalid_request');
      expectClientError(await sendNull(request(app).put('/api/v1/collections/things/rules').set(as('superadmin'))), 422, 'invalid_request');
      const rules = await request(app).get('/api/v1/collections/things/rules').set(as('superadmin')).expect(200);
      expect(rules.body).toMatchObject({ list_rule: '', create_rule: '' });
    });
  });

  describe('concurrent batches over the same rows (batch-writes.ts)', () => {
    it('two batch updates naming the same records in opposite orders both succeed (no deadlock 500)', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) ids.push((await request(app).post(u('things')).set(as('userA')).send({ title: `b${i}`, n: i }).expect(201)).body.id);
      const batch = (order: string[], n: number) =>
        request(app)
          .patch(u('things/batch'))
          .set(as('userA'))
          .send({ records: order.map((id) => ({ id, data: { n } })) });
      for (let round = 0; round < 4; round++) {
        const [up, down] = await Promise.all([batch(ids, 100 + round), batch([...ids].reverse(), 200 + round)]);
        expect([up.status, down.status, up.body.code, down.body.code]).toEqual([200, 200, undefined, undefined]);
      }
      const deleted = await Promise.all([
        request(app).delete(u('things/batch')).set(as('userA')).send({ ids }),
        request(app).delete(u('things/batch')).set(as('userA')).send({ ids: [...ids].reverse() }),
      ]);
      // One deletes them all; the other finds them gone (404), never a 500.
      expect(deleted.map((r) => r.status).sort()).toEqual([200, 404]);
    });
  });

  describe('import of records whose values do not fit the schema (collection-transfer-records.ts)', () => {
    const schema = [
      { name: 'title', type: 'text' },
      { name: 'n', type: 'number' },
      { name: 'at', type: 'datetime' },
    ];
    const good = () => ({ id: randomUUID(), account_id: A.id, title: 'fine', n: 1, at: '2024-01-01T00:00:00+02:00' });
    const bad: [string, Body, string][] = [
      ['a string for a number', { n: 'abc' }, "invalid value for field 'n': Expected a number"],
      ['an object for text', { title: { a: 1 } }, "invalid value for field 'title': Expected a string"],
      ['a non-date for a datetime', { at: 'soon' }, "invalid value for field 'at'"],
      ['a non-date created_at', { created_at: 'yesterday' }, "invalid value for 'created_at'"],
      ['a number created_by', { created_by: 5 }, "invalid value for 'created_by'"],
      ['an id longer than a column', { id: 'x'.repeat(300) }, 'invalid id'],
      ['a number id', { id: 12 }, 'invalid id'],
    ];

    it.each(['error', 'skip'] as const)('strategy %s: bad rows are reported as skipped, the good ones imported, never a 500', async (strategy) => {
      const name = `imp_${strategy}`;
      const rows = [good(), ...bad.map(([, patch]) => ({ ...good(), ...patch }))];
      const file = { version: '1.0', collections: [{ name, schema, rules: { list_rule: '', view_rule: '' }, records: rows }] };
      const res = await request(app).post('/api/v1/collections/import').set(as('superadmin')).send({ data: file, strategy });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ success: true, records_imported: 1 });
      expect(res.body.collections[0]).toMatchObject({ name, records_imported: 1, records_skipped: bad.length });
      const reasons = (res.body.skipped_records as Body[]).map((s) => s['reason']);
      bad.forEach(([, , reason], i) => expect(reasons[i]).toEqual(expect.stringContaining(reason)));
      // Only the good row was written (and audited), with its datetime normalised to UTC.
      const list = await request(app).get(u(name)).set(as('userA')).expect(200);
      expect(list.body.items).toHaveLength(1);
      expect(list.body.items[0]).toMatchObject({ title: 'fine', n: 1, at: '2023-12-31T22:00:00.000Z' });
      expect((await auditCount(`col_${name}`)).records).toBe(1);
    });

    it("a record referencing another account's record is skipped, not linked across tenants", async () => {
      const ownerA = randomUUID();
      const open = { list_rule: '', view_rule: '', create_rule: '', update_rule: '', delete_rule: '' };
      const petOfB = { id: randomUUID(), account_id: B.id, name: 'intruder', owner: ownerA };
      const petOfA = { id: randomUUID(), account_id: A.id, name: 'rex', owner: ownerA };
      const selfB = { id: randomUUID(), account_id: B.id, name: 'pup', owner: null, mother: petOfA.id };
      const file = {
        version: '1.0',
        collections: [
          { name: 'owners', schema: [{ name: 'name', type: 'text' }], rules: open, records: [{ id: ownerA, account_id: A.id, name: 'Ann' }] },
          {
            name: 'pets',
            schema: [
              { name: 'name', type: 'text' },
              { name: 'owner', type: 'reference', collection: 'owners', on_delete: 'cascade' },
              { name: 'mother', type: 'reference', collection: 'pets', on_delete: 'set_null' },
            ],
            rules: open,
            records: [petOfA, petOfB, selfB],
          },
        ],
      };
      const res = await request(app).post('/api/v1/collections/import').set(as('superadmin')).send({ data: file, strategy: 'error' }).expect(200);
      expect(res.body.collections).toEqual([
        expect.objectContaining({ name: 'owners', records_imported: 1, records_skipped: 0 }),
        expect.objectContaining({ name: 'pets', records_imported: 1, records_skipped: 2 }),
      ]);
      expect(res.body.skipped_records).toEqual([
        { collection: 'pets', id: petOfB.id, account_id: B.id, reason: "reference 'owner' names no record of this account in 'owners'" },
        { collection: 'pets', id: selfB.id, account_id: B.id, reason: "reference 'mother' names no record of this account in 'pets'" },
      ]);
      // A's user deletes A's owner: the cascade reaches only A's pet; nothing of B existed to touch.
      await request(app).delete(u(`owners/${ownerA}`)).set(as('userA')).expect(204);
      const left = await request(app).get(u('pets')).set(as('superadmin')).expect(200);
      expect(left.body.items).toEqual([]);
    });
  });
});
