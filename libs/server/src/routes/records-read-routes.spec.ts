import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { createSuperadmin, systemContext, toIsoTimestamp, type Core, type RequestContext } from '@snackbase/core';
import { accountScope, dynamicTenantTable } from '@snackbase/tenancy';
import { TEST_DIALECTS } from '@snackbase/testing';
import { defineCollection } from '../test-support/collection-fixture';
import { signIn as signInAs, startTestServer, type TestServer } from '../test-support/test-server';
import { addVerifiedUser, insertTwoAccounts } from '../test-support/two-accounts';

jest.setTimeout(120_000);

const PASSWORD = 'Correct-Horse-9!';
type Caller = 'anonymous' | 'userA' | 'editorA' | 'piiA' | 'userB' | 'superadmin';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe.each(TEST_DIALECTS)('records read routes on %s', (dialect) => {
  let server: TestServer;
  let core: Core;
  let app: Express;
  const A = { id: randomUUID(), code: 'AA0001' };
  const B = { id: randomUUID(), code: 'BB0001' };
  const ids = { userA: randomUUID(), editorA: randomUUID(), piiA: randomUUID(), userB: randomUUID() };
  const tokens: Partial<Record<Caller, string>> = {};
  const ctxA: RequestContext = { principal: { kind: 'user', userId: ids.editorA, accountId: A.id, email: 'ed@acme.test', role: 'admin', sessionId: 's', isSuperadmin: false }, requestId: 'cid_fixture' };
  const rec: Record<string, string> = {};
  let clock = Date.UTC(2025, 0, 1);

  /** GET `url` as `caller`, optionally with X-Account-ID. */
  function get(caller: Caller, url: string, account?: string) {
    let req = request(app).get(url);
    const token = tokens[caller];
    if (token) req = req.set('Authorization', `Bearer ${token}`);
    if (account) req = req.set('X-Account-ID', account);
    return req;
  }
  const u = (path: string) => `/api/v1/records/${path}`;
  const b = (v: boolean) => (dialect === 'sqlite' ? (v ? 1 : 0) : v);

  /** Inserts a row through the tenant guard, with increasing created_at. */
  async function insert(table: string, accountId: string, values: Record<string, unknown>, createdBy = ids.userA): Promise<string> {
    const id = (values['id'] as string | undefined) ?? randomUUID();
    clock += 1000;
    const at = new Date(clock).toISOString();
    await dynamicTenantTable(core.db.kysely, accountScope(accountId), table)
      .insert({ ...values, id, created_at: at, updated_at: at, created_by: createdBy, updated_by: createdBy })
      .execute();
    return id;
  }

  beforeAll(async () => {
    server = await startTestServer(dialect);
    ({ core, app } = server);
    await createSuperadmin(systemContext('test'), core, { email: 'root@example.com', password: PASSWORD });
    await insertTwoAccounts(core, { A, B });
    await addVerifiedUser(core, A.id, { id: ids.userA, email: 'ann@acme.test', password: PASSWORD });
    await addVerifiedUser(core, A.id, { id: ids.editorA, email: 'ed@acme.test', password: PASSWORD, roleId: 1 });
    await addVerifiedUser(core, A.id, { id: ids.piiA, email: 'pia@acme.test', password: PASSWORD });
    await addVerifiedUser(core, B.id, { id: ids.userB, email: 'bob@bolt.test', password: PASSWORD });
    const editors = await core.groups.create(ctxA, { name: 'editors' });
    await core.groups.addUser(ctxA, editors.id, ids.editorA);
    const pii = await core.groups.create(ctxA, { name: 'pii_access' });
    await core.groups.addUser(ctxA, pii.id, ids.piiA);

    await defineCollection(core, { name: 'notes', fields: [{ name: 'title', type: 'text' }, { name: 'done', type: 'boolean' }, { name: 'meta', type: 'json' }], rules: { list_rule: '', view_rule: '' } });
    await defineCollection(core, { name: 'locked', fields: [{ name: 'title', type: 'text' }] });
    await defineCollection(core, { name: 'mine', fields: [{ name: 'title', type: 'text' }], rules: { list_rule: 'created_by = @request.auth.id', view_rule: 'created_by = @request.auth.id' } });
    await defineCollection(core, { name: 'drafts', fields: [{ name: 'title', type: 'text' }], rules: { list_rule: "@has_group('editors')", view_rule: "@has_group('editors')" } });
    await defineCollection(core, {
      name: 'companies',
      fields: [
        { name: 'name', type: 'text' },
        { name: 'revenue', type: 'number' },
        { name: 'ceo_email', type: 'email', pii: true, mask_type: 'email' },
        { name: 'parent', type: 'reference', collection: 'companies', on_delete: 'set_null' },
      ],
      rules: { list_rule: '', view_rule: "name != 'Hidden Inc'", view_fields: '["name","ceo_email","parent"]' },
    });
    await defineCollection(core, {
      name: 'people',
      fields: [
        { name: 'name', type: 'text', pii: true, mask_type: 'name' },
        { name: 'email', type: 'email', pii: true, mask_type: 'email' },
        { name: 'age', type: 'number' },
        { name: 'secret', type: 'text' },
        { name: 'company', type: 'reference', collection: 'companies', on_delete: 'set_null' },
        { name: 'next_age', type: 'computed', expression: 'age + 1', return_type: 'number' },
      ],
      rules: { list_rule: '', view_rule: '', list_fields: '["name","email","age","company","next_age"]', view_fields: '["name","email","age","company","next_age"]' },
    });
    await defineCollection(core, {
      name: 'items',
      fields: [{ name: 'n', type: 'number' }, { name: 'grp', type: 'text' }, { name: 'label', type: 'text' }],
      rules: { list_rule: '', view_rule: '' },
    });

    rec['noteA1'] = await insert('col_notes', A.id, { title: 'alpha-A', done: b(true), meta: JSON.stringify({ tags: ['x'] }) });
    rec['noteA2'] = await insert('col_notes', A.id, { title: 'Beta-A', done: b(false) });
    rec['noteA3'] = await insert('col_notes', A.id, { title: 'gamma-A', done: b(false) });
    rec['noteB1'] = await insert('col_notes', B.id, { title: 'alpha-B', done: b(true) }, ids.userB);
    rec['lockedA'] = await insert('col_locked', A.id, { title: 'locked-A' });
    rec['mineAnn'] = await insert('col_mine', A.id, { title: 'ann-row' }, ids.userA);
    rec['mineEd'] = await insert('col_mine', A.id, { title: 'ed-row' }, ids.editorA);
    rec['draftA'] = await insert('col_drafts', A.id, { title: 'draft-A' });
    rec['holding'] = await insert('col_companies', A.id, { name: 'Holding AG', revenue: 9, ceo_email: 'hold@example.com' });
    rec['acme'] = await insert('col_companies', A.id, { name: 'Acme Corp', revenue: 7, ceo_email: 'boss@example.com', parent: rec['holding'] });
    rec['hidden'] = await insert('col_companies', A.id, { name: 'Hidden Inc', revenue: 1 });
    rec['loop'] = randomUUID();
    await insert('col_companies', A.id, { id: rec['loop'], name: 'Loop Co', parent: rec['loop'] });
    rec['bolt'] = await insert('col_companies', B.id, { name: 'Bolt Corp', revenue: 5 }, ids.userB);
    rec['john'] = await insert('col_people', A.id, { name: 'John Doe', email: 'john@example.com', age: 41, secret: 's3cret', company: rec['acme'] });
    rec['jane'] = await insert('col_people', A.id, { name: 'Jane Roe', email: 'jane@example.com', age: 30, secret: 'other', company: rec['hidden'] });
    rec['jim'] = await insert('col_people', A.id, { name: 'Jim Poe', email: 'jim@example.com', age: 25, company: rec['bolt'] });
    rec['bea'] = await insert('col_people', B.id, { name: 'Bea B', email: 'bea@example.com', age: 50 }, ids.userB);
    for (let i = 0; i < 45; i++) await insert('col_items', A.id, { n: Math.floor(i / 3), grp: i % 2 === 0 ? 'even' : 'odd', label: `item-${i}` });
    await defineCollection(core, { name: 'sparse', fields: [{ name: 'n', type: 'number' }, { name: 'on', type: 'boolean' }, { name: 'at', type: 'datetime' }], rules: { list_rule: '' } });
    for (const [n, on, at] of [[null, true, null], [1, false, '2024-01-01T00:00:00Z'], [null, null, '2023-05-05T10:00:00+02:00'], [2, true, null], [2, false, '2024-01-01T00:00:00Z'], [null, true, '2022-01-01T00:00:00Z'], [3, null, null]] as const) {
      // Stored as the write path stores datetimes (normalised ISO UTC), so text order is time order on SQLite.
      await insert('col_sparse', A.id, { n, on: on === null ? null : b(on), at: at === null ? null : toIsoTimestamp(at) });
    }
    for (let i = 0; i < 5; i++) await insert('col_items', B.id, { n: 100 + i, grp: 'even', label: `b-${i}` }, ids.userB);

    tokens.userA = await signInAs(app, 'acme', 'ann@acme.test', PASSWORD);
    tokens.editorA = await signInAs(app, 'acme', 'ed@acme.test', PASSWORD);
    tokens.piiA = await signInAs(app, 'acme', 'pia@acme.test', PASSWORD);
    tokens.userB = await signInAs(app, 'bolt', 'bob@bolt.test', PASSWORD);
    tokens.superadmin = await signInAs(app, 'system', 'root@example.com', PASSWORD);
  });
  afterAll(() => server?.close());

  describe('scenario table', () => {
    type Row = readonly [url: string, as: Caller, account: string | undefined, status: number, contains: readonly string[], notContains: readonly string[]];
    const rows: readonly Row[] = [
      ['notes', 'anonymous', undefined, 400, ['X-Account-ID header is required'], ['alpha']],
      ['notes', 'anonymous', 'acme', 200, ['alpha-A', 'gamma-A', '"account_name":"Acme"'], ['alpha-B']],
      ['notes', 'anonymous', 'AA0001', 200, ['alpha-A'], ['alpha-B']],
      ['notes', 'anonymous', 'nope', 404, ["Account 'nope' not found"], ['alpha']],
      ['notes', 'userA', 'bolt', 200, ['alpha-A'], ['alpha-B']],
      ['notes', 'userB', undefined, 200, ['alpha-B', '"total":1'], ['alpha-A']],
      ['notes', 'superadmin', undefined, 200, ['alpha-A', 'alpha-B', '"total":4'], []],
      [`notes/{noteA1}`, 'anonymous', 'acme', 200, ['alpha-A'], ['account_name']],
      [`notes/{noteA1}`, 'userB', undefined, 404, ['Record not found'], ['alpha']],
      [`notes/${randomUUID()}`, 'userB', undefined, 404, ['Record not found'], []],
      [`notes?filter=${encodeURIComponent(`id = "{noteA1}"`)}`, 'userB', undefined, 200, ['"total":0'], ['alpha']],
      ['locked', 'userA', undefined, 403, ['list is locked'], ['locked-A']],
      ['locked', 'anonymous', 'acme', 403, ['list is locked'], ['locked-A']],
      [`locked/{lockedA}`, 'userA', undefined, 403, ['view is locked'], ['locked-A']],
      ['locked', 'superadmin', undefined, 200, ['locked-A'], []],
      ['nothing_here', 'userA', undefined, 403, ['no rules defined'], []],
      ['nothing_here', 'superadmin', undefined, 404, ["Collection 'nothing_here' does not exist"], []],
      ['mine', 'anonymous', 'acme', 401, ['Authentication required'], ['row']],
      ['mine', 'userA', undefined, 200, ['ann-row', '"total":1'], ['ed-row']],
      ['mine', 'editorA', undefined, 200, ['ed-row'], ['ann-row']],
      [`mine/{mineEd}`, 'userA', undefined, 404, ['Record not found'], ['ed-row']],
      ['drafts', 'userA', undefined, 200, ['"total":0'], ['draft-A']],
      ['drafts', 'editorA', undefined, 200, ['draft-A', '"total":1'], []],
      ['drafts', 'userB', undefined, 200, ['"total":0'], ['draft-A']],
      ['people', 'userA', undefined, 200, ['J*** D***', 'j***@example.com', '"next_age":42'], ['John Doe', 'john@example.com', 's3cret', 'secret']],
      ['people', 'piiA', undefined, 200, ['John Doe', 'john@example.com'], ['s3cret', 'Bea']],
      ['people', 'superadmin', undefined, 200, ['John Doe', 'john@example.com', 's3cret', 'Bea B'], []],
      ['people', 'userB', undefined, 200, ['B***', '"total":1'], ['J***', 'Doe']],
      [`people?filter=${encodeURIComponent('secret = "s3cret"')}`, 'userA', undefined, 400, ['invalid_filter', "Field 'secret' does not exist"], ['s3cret"']],
      [`people?filter=${encodeURIComponent('name ~ "J%"')}`, 'userA', undefined, 400, ["Field 'name' does not exist"], []],
      [`people?filter=${encodeURIComponent('name ~ "J%"')}`, 'piiA', undefined, 200, ['John Doe', '"total":3'], []],
      [`people?filter=${encodeURIComponent('secret = "s3cret"')}`, 'superadmin', undefined, 200, ['John Doe', '"total":1'], []],
      [`people?filter=${encodeURIComponent('next_age > 40')}`, 'userA', undefined, 200, ['"next_age":42', '"total":1'], ['"next_age":31']],
      ['people?sort=secret', 'userA', undefined, 400, ['invalid_sort'], ['s3cret']],
      ['people?sort=name', 'userA', undefined, 400, ['invalid_sort'], []],
      ['people?sort=-next_age', 'userA', undefined, 200, ['"next_age":42'], ['invalid_sort']],
      ['people?sort=name', 'piiA', undefined, 200, ['Jane Roe'], []],
      ['people?sort=nope', 'userA', undefined, 400, ['invalid_sort'], []],
      ['notes?status=active', 'userA', undefined, 400, ['unsupported_query_parameter', 'Direct query parameter filtering'], ['alpha']],
      ['notes?page=2', 'userA', undefined, 400, ['unsupported_query_parameter'], []],
      ['notes?_=12345', 'userA', undefined, 200, ['alpha-A'], []],
      ['notes?limit=0', 'userA', undefined, 422, ['limit'], []],
      ['notes?limit=101', 'userA', undefined, 422, ['limit'], []],
      ['notes?limit=100', 'userA', undefined, 200, ['"limit":100'], []],
      ['notes?skip=-1', 'userA', undefined, 422, ['skip'], []],
      ['notes?skip_total=true', 'userA', undefined, 200, ['"total":null', 'alpha-A'], []],
      [`notes?filter=${encodeURIComponent('title = ')}`, 'userA', undefined, 400, ['Invalid filter expression', 'position'], []],
      [`notes?filter=${encodeURIComponent('@request.auth.id = "x"')}`, 'userA', undefined, 400, ['Context variables are not allowed'], []],
      ['people?expand=name', 'userA', undefined, 400, ['invalid_expand', "Field 'name' is not a reference field"], []],
      ['people?expand=secret', 'userA', undefined, 400, ['invalid_expand'], ['s3cret']],
      ['items?cursor=abc&cursor_before=abc', 'userA', undefined, 400, ['invalid_cursor'], []],
      ['items?cursor=!!!', 'userA', undefined, 400, ['invalid_cursor', 'Invalid cursor format'], []],
      [`items?cursor=${Buffer.from('{"sort_value":"x","id":"y"}').toString('base64url')}&sort=n`, 'userA', undefined, 400, ['invalid_cursor'], []],
      ['items/aggregate?functions=max(n)', 'userB', undefined, 200, ['"max_n":104'], []],
      ['people/aggregate?functions=max(secret)', 'userA', undefined, 400, ['invalid_aggregation'], ['s3cret']],
      ['people/aggregate?functions=count()&group_by=name', 'userA', undefined, 400, ['Invalid group_by'], ['John']],
      ['people/aggregate?functions=count()&group_by=name', 'piiA', undefined, 200, ['John Doe', '"total_groups":3'], ['Bea']],
      ['people/aggregate', 'userA', undefined, 422, ['functions'], []],
      ['people/aggregate?functions=count()&foo=1', 'userA', undefined, 400, ['unsupported_query_parameter'], []],
      ['locked/aggregate?functions=count()', 'userA', undefined, 403, ['locked'], []],
    ];

    /** `{name}` (also URL-encoded) → the id of that fixture row. */
    const resolve = (text: string) => text.replace(/(?:\{|%7B)(\w+)(?:\}|%7D)/g, (_, k: string) => rec[k] ?? k);

    it.each(rows)('GET %s as %s (X-Account-ID %s) → %i', async (url, as, account, status, contains, notContains) => {
      const res = await get(as, u(resolve(url)), account);
      const text = JSON.stringify(res.body);
      expect({ url, as, status: res.status }).toEqual({ url, as, status });
      for (const c of contains) expect(text).toContain(c);
      for (const c of notContains) expect(text).not.toContain(c);
    });
  });

  it('answers the reference body for a missing record, identical for another account', async () => {
    const other = await get('userB', u(`notes/${rec['noteA1']}`)).expect(404);
    const missing = await get('userB', u(`notes/${randomUUID()}`)).expect(404);
    expect(other.body).toMatchObject({ error: 'Not found', message: 'Record not found', code: 'not_found' });
    expect({ ...other.body, request_id: '' }).toEqual({ ...missing.body, request_id: '' });
  });

  it('normalises values: ISO timestamps, booleans, parsed json', async () => {
    const res = await get('userA', u(`notes/${rec['noteA1']}`)).expect(200);
    expect(res.body).toMatchObject({ id: rec['noteA1'], account_id: A.id, title: 'alpha-A', done: true, meta: { tags: ['x'] }, created_by: ids.userA });
    expect(res.body.created_at).toMatch(ISO);
    expect(res.body.updated_at).toMatch(ISO);
  });

  it('sorts: -f descending, +f and bare f ascending (code point order on both dialects)', async () => {
    const titles = async (sort: string) => (await get('userA', u(`notes?sort=${encodeURIComponent(sort)}`)).expect(200)).body.items.map((i: { title: string }) => i.title);
    expect(await titles('title')).toEqual(['Beta-A', 'alpha-A', 'gamma-A']);
    expect(await titles('+title')).toEqual(['Beta-A', 'alpha-A', 'gamma-A']);
    expect(await titles('-title')).toEqual(['gamma-A', 'alpha-A', 'Beta-A']);
    // Default: newest first.
    expect(await titles('')).toEqual(['gamma-A', 'Beta-A', 'alpha-A']);
  });

  it('pages with skip and limit, ties broken by id', async () => {
    const all = (await get('userA', u('items?sort=n&limit=45')).expect(200)).body;
    expect(all.total).toBe(45);
    const pages = [];
    for (let skip = 0; skip < 45; skip += 10) pages.push(...(await get('userA', u(`items?sort=n&limit=10&skip=${skip}`)).expect(200)).body.items);
    expect(pages.map((i: { id: string }) => i.id)).toEqual(all.items.map((i: { id: string }) => i.id));
    const ns = all.items.map((i: { n: number }) => i.n);
    expect(ns).toEqual([...ns].sort((x, y) => x - y));
  });

  it('the fields projection keeps system fields and account_name', async () => {
    const res = await get('userA', u('notes?fields=title')).expect(200);
    expect(Object.keys(res.body.items[0]).sort()).toEqual(['account_id', 'account_name', 'created_at', 'created_by', 'id', 'title', 'updated_at', 'updated_by']);
  });

  describe('cursor pagination', () => {
    type Page = { items: { id: string; n: number }[]; next_cursor: string | null; prev_cursor: string | null; has_more: boolean; total: number | null };
    const page = async (params: string) => (await get('userA', u(`items?${params}`)).expect(200)).body as Page;

    it.each(['n', '-n', '-created_at', 'label'])('walks 45 rows forward, then backward through the same pages (sort %s)', async (sort) => {
      const forward: Page[] = [];
      let p = await page(`sort=${sort}&limit=10&cursor=&include_count=true`);
      forward.push(p);
      while (p.has_more) {
        p = await page(`sort=${sort}&limit=10&cursor=${encodeURIComponent(p.next_cursor ?? '')}`);
        forward.push(p);
      }
      expect(forward.map((f) => f.items.length)).toEqual([10, 10, 10, 10, 5]);
      expect(forward[0].total).toBe(45);
      expect(forward[1].total).toBeNull();
      const seen = forward.flatMap((f) => f.items.map((i) => i.id));
      expect(new Set(seen).size).toBe(45);
      const reference = (await get('userA', u(`items?sort=${sort}&limit=45`)).expect(200)).body.items.map((i: { id: string }) => i.id);
      expect(seen).toEqual(reference);

      // Backward from the last page: each answer is the adjacent previous page, in display order.
      let back = forward[forward.length - 1];
      for (let k = forward.length - 2; k >= 0; k--) {
        back = await page(`sort=${sort}&limit=10&cursor_before=${encodeURIComponent(back.prev_cursor ?? '')}`);
        expect(back.items.map((i) => i.id)).toEqual(forward[k].items.map((i) => i.id));
        expect(back.has_more).toBe(k > 0);
      }
      // The last page straight from an empty cursor_before.
      expect((await page(`sort=${sort}&limit=5&cursor_before=`)).items.map((i) => i.id)).toEqual(forward[4].items.map((i) => i.id));
    });

    it.each(['n', '-n', 'on', '-on', 'at', '-at'])('walks rows with NULLs and ties both ways (sparse, sort %s)', async (sort) => {
      const all = (await get('userA', u(`sparse?sort=${sort}&limit=100`)).expect(200)).body.items.map((i: { id: string }) => i.id);
      expect(all).toHaveLength(7);
      const forward: string[][] = [];
      let p = (await get('userA', u(`sparse?sort=${sort}&limit=2&cursor=`)).expect(200)).body as Page;
      forward.push(p.items.map((i) => i.id));
      while (p.has_more) {
        p = (await get('userA', u(`sparse?sort=${sort}&limit=2&cursor=${encodeURIComponent(p.next_cursor ?? '')}`)).expect(200)).body as Page;
        forward.push(p.items.map((i) => i.id));
      }
      expect(forward.flat()).toEqual(all);
      for (let k = forward.length - 2; k >= 0; k--) {
        p = (await get('userA', u(`sparse?sort=${sort}&limit=2&cursor_before=${encodeURIComponent(p.prev_cursor ?? '')}`)).expect(200)).body as Page;
        expect(p.items.map((i) => i.id)).toEqual(forward[k]);
      }
    });

    it('never crosses accounts', async () => {
      const p = (await get('userB', u('items?cursor=&limit=100&include_count=true')).expect(200)).body as Page;
      expect(p.total).toBe(5);
      expect(p.items.every((i) => i.n >= 100)).toBe(true);
    });
  });

  describe('expand', () => {
    it('loads references under the target rules, field list and PII masks; hidden, missing and other-account targets are null', async () => {
      const res = await get('userA', u('people?expand=company,company.parent&sort=-age')).expect(200);
      const [john, jane, jim] = res.body.items;
      expect(john.company).toMatchObject({ id: rec['acme'], name: 'Acme Corp', ceo_email: 'b***@example.com' });
      expect(john.company).not.toHaveProperty('revenue');
      expect(john.company.parent).toMatchObject({ id: rec['holding'], name: 'Holding AG', ceo_email: 'h***@example.com' });
      expect(jane.company).toBeNull();
      expect(jim.company).toBeNull();
    });

    it('shows PII of the target unmasked to pii_access members', async () => {
      const res = await get('piiA', u(`people/${rec['john']}?expand=company`)).expect(200);
      expect(res.body.company).toMatchObject({ name: 'Acme Corp', ceo_email: 'boss@example.com' });
    });

    it('stops at the configured depth of 3 (deeper ids stay strings)', async () => {
      const res = await get('userA', u(`companies/${rec['loop']}?expand=parent.parent.parent.parent`)).expect(200);
      expect(res.body.parent.parent.parent).toMatchObject({ id: rec['loop'], name: 'Loop Co' });
      expect(res.body.parent.parent.parent.parent).toBe(rec['loop']);
      const held = await get('userA', u(`companies/${rec['acme']}?expand=parent.parent`)).expect(200);
      expect(held.body.parent).toMatchObject({ id: rec['holding'] });
      expect(held.body.parent.parent).toBeNull();
    });
  });

  describe('aggregate', () => {
    it('counts, sums and groups within the account, with having', async () => {
      const res = await get('userA', u(`items/aggregate?functions=${encodeURIComponent('count(),sum(n),min(label),max(n)')}&group_by=grp`)).expect(200);
      expect(res.body.total_groups).toBe(2);
      const even = res.body.results.find((r: { grp: string }) => r.grp === 'even');
      expect(even).toMatchObject({ count: 23, max_n: 14, min_label: 'item-0' });
      const having = await get('userA', u(`items/aggregate?functions=count()&group_by=grp&having=${encodeURIComponent('count() > 22 AND count < 100')}`)).expect(200);
      expect(having.body.results).toEqual([{ grp: 'even', count: 23 }]);
      const global = await get('userA', u(`items/aggregate?functions=${encodeURIComponent('count(),avg(n)')}&filter=${encodeURIComponent('n >= 10')}`)).expect(200);
      expect(global.body).toEqual({ results: [{ count: 15, avg_n: 12 }], total_groups: 1 });
    });

    it('rejects bad having and functions', async () => {
      expect((await get('userA', u('items/aggregate?functions=count()&having=sum_n%20%3E%201')).expect(400)).body.error).toBe('Invalid having expression');
      expect((await get('userA', u('items/aggregate?functions=sum(label)')).expect(400)).body.error).toBe('Invalid aggregation functions');
      expect((await get('userA', u('items/aggregate?functions=count()&having=count%20%3E')).expect(400)).body.code).toBe('invalid_aggregation');
    });
  });

  describe('hooks', () => {
    it('record.beforeQuery may rewrite the query; record.afterQuery sees the page', async () => {
      const seen: number[] = [];
      const off1 = core.hooks.on('record.beforeQuery', (p) => ({ ...p, query: { ...p.query, limit: 1 } }), { tags: ['notes'] });
      const off2 = core.hooks.on('record.afterQuery', (p) => void seen.push(p.records.length), { tags: ['notes'] });
      try {
        const res = await get('userA', u('notes')).expect(200);
        expect(res.body.items).toHaveLength(1);
        expect(res.body.limit).toBe(1);
        expect(seen).toEqual([1]);
        await get('userA', u('items?limit=3')).expect(200);
        expect(seen).toEqual([1]);
      } finally {
        off1();
        off2();
      }
    });
  });
});
