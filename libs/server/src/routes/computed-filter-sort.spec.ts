import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { createSuperadmin, systemContext, type Core } from '@snackbase/core';
import { accountScope, dynamicTenantTable } from '@snackbase/tenancy';
import { TEST_DIALECTS } from '@snackbase/testing';
import { defineCollection } from '../test-support/collection-fixture';
import { signIn, startTestServer, type TestServer } from '../test-support/test-server';
import { addVerifiedUser, insertTwoAccounts } from '../test-support/two-accounts';

jest.setTimeout(180_000);

// Computed fields in ?filter= and ?sort=: SQL (the expression inlined) must agree with the values
// the same records return (evaluated in memory), NULLs, ties and cursor pages included.
const PASSWORD = 'Correct-Horse-9!';
type Value = string | number | boolean | null;
type Item = Record<string, Value> & { id: string };

/** The computed fields a regular caller may filter and sort on, and whether they order (`<`). */
const QUERYABLE: readonly (readonly [field: string, ordered: boolean])[] = [
  ['total', true],
  ['label', true],
  ['band', true],
  ['late', true],
  ['due_days', true],
  ['flag', false],
  ['when', true],
  ['stale', true],
];

/** SQL's order of two non-null values of one kind: numbers, text by code point, false < true. */
function compare(a: Exclude<Value, null>, b: Exclude<Value, null>): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Ascending order: NULLs first, ties by id (the API's order; descending is its reverse). */
function ascending(items: readonly Item[], field: string): string[] {
  const key = (i: Item) => i[field];
  return [...items]
    .sort((x, y) => {
      const [a, b] = [key(x), key(y)];
      const byValue = a === null ? (b === null ? 0 : -1) : b === null ? 1 : compare(a, b);
      return byValue !== 0 ? byValue : x.id < y.id ? -1 : 1;
    })
    .map((i) => i.id);
}

/** A value as a filter literal. */
function literal(v: Exclude<Value, null>): string {
  return typeof v === 'string' ? `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : String(v);
}

const OPS: Readonly<Record<string, (order: number) => boolean>> = {
  '=': (o) => o === 0,
  '!=': (o) => o !== 0,
  '<': (o) => o < 0,
  '>=': (o) => o >= 0,
};

describe.each(TEST_DIALECTS)('computed fields in filter and sort on %s', (dialect) => {
  let server: TestServer;
  let core: Core;
  let app: Express;
  const A = { id: randomUUID(), code: 'AA0001' };
  const B = { id: randomUUID(), code: 'BB0001' };
  const userA = randomUUID();
  const tokens = { userA: '', superadmin: '' };
  let clock = Date.UTC(2025, 0, 1);
  let items: Item[] = [];

  const get = (as: keyof typeof tokens, path: string) => request(app).get(`/api/v1/records/orders${path}`).set('Authorization', `Bearer ${tokens[as]}`);
  const ids = async (as: keyof typeof tokens, filter: string): Promise<string[]> => {
    const res = await get(as, `?limit=100&sort=id&filter=${encodeURIComponent(filter)}`);
    expect({ filter, status: res.status, body: res.status === 200 ? undefined : res.body }).toEqual({ filter, status: 200, body: undefined });
    return (res.body.items as Item[]).map((i) => i.id);
  };

  async function insert(accountId: string, values: Record<string, unknown>): Promise<void> {
    clock += 1000;
    const at = new Date(clock).toISOString();
    const stored = { ...values, done: typeof values['done'] === 'boolean' && dialect === 'sqlite' ? Number(values['done']) : values['done'] };
    await dynamicTenantTable(core.db.kysely, accountScope(accountId), 'col_orders')
      .insert({ ...stored, id: randomUUID(), created_at: at, updated_at: at, created_by: userA, updated_by: userA })
      .execute();
  }

  beforeAll(async () => {
    server = await startTestServer(dialect);
    ({ core, app } = server);
    await createSuperadmin(systemContext('test'), core, { email: 'root@example.com', password: PASSWORD });
    await insertTwoAccounts(core, { A, B });
    await addVerifiedUser(core, A.id, { id: userA, email: 'ann@acme.test', password: PASSWORD });
    const computed = (name: string, expression: string, returnType: 'text' | 'number' | 'boolean' | 'datetime') => ({ name, type: 'computed' as const, expression, return_type: returnType });
    await defineCollection(core, {
      name: 'orders',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'status', type: 'text' },
        { name: 'price', type: 'number' },
        { name: 'qty', type: 'number' },
        { name: 'due', type: 'datetime' },
        { name: 'done', type: 'boolean' },
        { name: 'email', type: 'email', pii: true, mask_type: 'email' },
        computed('total', 'price * qty', 'number'),
        computed('label', "lower(concat(title, '-', status))", 'text'),
        computed('band', "if(price >= 10, 'high', coalesce(status, 'none'))", 'text'),
        computed('late', "date_add(due, 7, 'days')", 'datetime'),
        computed('due_days', "date_diff(due, '2025-01-01T00:00:00.000Z', 'days')", 'number'),
        computed('flag', 'coalesce(done, price < 5)', 'boolean'),
        // A timestamp column against now() (text): PostgreSQL needs the column as ISO text.
        computed('when', "if(due < now(), 'past', 'future')", 'text'),
        // Stored before `missing` was dropped: NULL on read, so NULL in SQL too.
        computed('stale', 'missing + 1', 'number'),
        computed('contact', 'upper(email)', 'text'),
        computed('hidden_calc', 'price + 1', 'number'),
      ],
      rules: {
        list_rule: 'qty IS NULL || qty >= 0',
        list_fields: JSON.stringify(['title', 'status', 'price', 'qty', 'due', 'done', 'email', 'total', 'label', 'band', 'late', 'due_days', 'flag', 'when', 'stale', 'contact']),
      },
    });
    await insert(A.id, { title: 'Alpha', status: 'open', price: 12, qty: 2, due: '2025-01-10T00:00:00.000Z', done: true, email: 'a@x.io' });
    await insert(A.id, { title: 'beta', status: null, price: 3, qty: 4, due: null, done: null });
    await insert(A.id, { title: null, status: 'Closed', price: null, qty: 5, due: '2025-03-01T12:00:00.000Z', done: false });
    await insert(A.id, { title: 'Gamma', status: 'open', price: 4.5, qty: null, due: '2999-01-01T00:00:00.000Z', done: null });
    await insert(A.id, { title: 'delta', status: 'open', price: 10, qty: 1, due: '2024-12-31T23:00:00.000Z', done: null });
    await insert(A.id, { title: 'Echo', status: 'closed', price: 5, qty: 2, due: '2025-01-10T00:00:00.000Z', done: true });
    await insert(A.id, { title: null, status: null, price: null, qty: null, due: null, done: null });
    // Hidden from everyone but superadmins by the list rule; and a row of another account.
    await insert(A.id, { title: 'ghost', status: 'open', price: 1, qty: -1, due: null, done: null });
    await insert(B.id, { title: 'Bolt', status: 'open', price: 100, qty: 100, due: null, done: null });
    // length() is an integer on PostgreSQL: a keyset parameter must not be typed from it.
    await defineCollection(core, { name: 'words', fields: [{ name: 'word', type: 'text' }, computed('len', 'length(word)', 'number')], rules: { list_rule: '' } });
    for (const word of ['ab', 'abc', 'abcd']) {
      await dynamicTenantTable(core.db.kysely, accountScope(A.id), 'col_words').insert({ id: randomUUID(), word, created_at: new Date(clock).toISOString(), created_by: userA, updated_by: userA }).execute();
    }
    tokens.userA = await signIn(app, 'acme', 'ann@acme.test', PASSWORD);
    tokens.superadmin = await signIn(app, 'system', 'root@example.com', PASSWORD);
    items = (await get('userA', '?limit=100').expect(200)).body.items as Item[];
  });
  afterAll(() => server?.close());

  it('returns the expected computed values (the reference the other checks compare with)', () => {
    expect(items).toHaveLength(7);
    const alpha = items.find((i) => i['title'] === 'Alpha');
    expect(alpha).toMatchObject({ total: 24, label: 'alpha-open', band: 'high', late: '2025-01-17T00:00:00.000Z', due_days: 9, flag: true, when: 'past', stale: null });
    expect(items.find((i) => i['title'] === 'delta')).toMatchObject({ due_days: -1 / 24, flag: false });
    expect(items.find((i) => i['title'] === 'Gamma')).toMatchObject({ total: null, band: 'open', when: 'future', flag: true });
    expect(alpha?.['contact']).toBe('******');
    expect(alpha).not.toHaveProperty('hidden_calc');
  });

  it.each(QUERYABLE)('filter on %s selects exactly the rows whose returned value matches', async (field, ordered) => {
    const all = items.map((i) => i.id).sort();
    const values = [...new Set(items.map((i) => i[field]).filter((v): v is Exclude<Value, null> => v !== null))];
    const nulls = items.filter((i) => i[field] === null).map((i) => i.id).sort();
    expect(await ids('userA', `${field} IS NULL`)).toEqual(nulls);
    expect(await ids('userA', `${field} IS NOT NULL`)).toEqual(all.filter((id) => !nulls.includes(id)));
    for (const v of values) {
      for (const [op, holds] of Object.entries(OPS)) {
        if (!ordered && op !== '=' && op !== '!=') continue;
        const expected = items.filter((i) => i[field] !== null && holds(compare(i[field] as Exclude<Value, null>, v))).map((i) => i.id).sort();
        expect({ filter: `${field} ${op} ${literal(v)}`, ids: await ids('userA', `${field} ${op} ${literal(v)}`) }).toEqual({ filter: `${field} ${op} ${literal(v)}`, ids: expected });
      }
    }
  });

  it('combines computed fields with each other, with stored fields and in arithmetic', async () => {
    const [total, price] = [(i: Item) => i['total'] as number | null, (i: Item) => i['price'] as number | null];
    const expected = items.filter((i) => total(i) !== null && price(i) !== null && (total(i) as number) * 2 > (price(i) as number) * 3 && i['band'] !== 'none');
    expect(expected.length).toBeGreaterThan(0);
    expect(await ids('userA', "total * 2 > price * 3 && band != 'none'")).toEqual(expected.map((i) => i.id).sort());
    expect(await ids('userA', "label ~ 'OPEN'")).toEqual(items.filter((i) => String(i['label']).endsWith('-open')).map((i) => i.id).sort());
  });

  it.each(QUERYABLE.map(([field]) => field))('sort by %s orders as the returned values, both directions', async (field) => {
    const asc = ascending(items, field);
    const listed = async (sort: string) => ((await get('userA', `?limit=100&sort=${sort}`).expect(200)).body.items as Item[]).map((i) => i.id);
    expect(await listed(field)).toEqual(asc);
    expect(await listed(`-${field}`)).toEqual([...asc].reverse());
  });

  it.each(QUERYABLE.flatMap(([field]) => [field, `-${field}`]))('cursor pages over sort %s visit every row once, forward and backward', async (sort) => {
    type Page = { items: Item[]; next_cursor: string | null; prev_cursor: string | null; has_more: boolean };
    const page = async (params: string) => (await get('userA', `?sort=${sort}&limit=2&${params}`).expect(200)).body as Page;
    const forward: Page[] = [await page('cursor=')];
    while (forward[forward.length - 1].has_more) forward.push(await page(`cursor=${encodeURIComponent(forward[forward.length - 1].next_cursor ?? '')}`));
    const asc = ascending(items, sort.replace('-', ''));
    expect(forward.flatMap((p) => p.items.map((i) => i.id))).toEqual(sort.startsWith('-') ? [...asc].reverse() : asc);
    let back = forward[forward.length - 1];
    for (let k = forward.length - 2; k >= 0; k--) {
      back = await page(`cursor_before=${encodeURIComponent(back.prev_cursor ?? '')}`);
      expect(back.items.map((i) => i.id)).toEqual(forward[k].items.map((i) => i.id));
    }
    expect(back.has_more).toBe(false);
    // Cursors carry the value as shown (no helper column leaks into records).
    expect(forward[0].items[0]).not.toHaveProperty('_sort_value');
  });

  describe('no side channel', () => {
    const same = (res: request.Response, name: string) => ({ status: res.status, ...res.body, request_id: '', message: String(res.body.message).replaceAll(`'${name}'`, "'?'") });
    it.each([
      ['hidden_calc', 'a computed field outside list_fields'],
      ['contact', 'a computed field over a PII field the caller sees masked'],
    ])('%s (%s) is refused exactly like an unknown field', async (name) => {
      for (const [query, unknown] of [
        [`filter=${encodeURIComponent(`${name} IS NOT NULL`)}`, `filter=${encodeURIComponent('nosuch IS NOT NULL')}`],
        [`sort=${name}`, 'sort=nosuch'],
        [`sort=-${name}&cursor=`, 'sort=-nosuch&cursor='],
      ]) {
        const [refused, missing] = [await get('userA', `?${query}`), await get('userA', `?${unknown}`)];
        expect(refused.status).toBe(400);
        expect(same(refused, name)).toEqual(same(missing, 'nosuch'));
      }
    });

    it('lets a caller who sees PII filter and sort on the PII computed field', async () => {
      const res = await get('superadmin', `?filter=${encodeURIComponent("contact = 'A@X.IO'")}&sort=-contact`).expect(200);
      expect(res.body.items.map((i: Item) => i['title'])).toEqual(['Alpha']);
    });

    it('keeps the account scope and the list rule around a computed filter', async () => {
      expect(await ids('userA', 'total < 0')).toEqual([]);
      expect(await ids('userA', 'total > 1000')).toEqual([]);
      const all = (await get('superadmin', `?limit=100&filter=${encodeURIComponent('total < 0 || total > 1000')}`).expect(200)).body.items as Item[];
      expect(all.map((i) => i['title']).sort()).toEqual(['Bolt', 'ghost']);
    });
  });

  it.each([
    ['words?sort=len', 2.5, ['abc', 'abcd']],
    ['words?sort=-len', 3.5, ['abc', 'ab']],
    ['orders?sort=late', 'Jan 10 2025 12:00 GMT', ['2025-01-17T00:00:00.000Z', '2025-01-17T00:00:00.000Z', '2025-03-08T12:00:00.000Z', '2999-01-08T00:00:00.000Z']],
  ] as const)('binds a crafted cursor value for %s (%s) without a 500', async (path, value, expected) => {
    const cursor = Buffer.from(JSON.stringify({ sort_value: value, id: 'x' })).toString('base64url');
    const res = await request(app).get(`/api/v1/records/${path}&limit=10&cursor=${cursor}`).set('Authorization', `Bearer ${tokens.userA}`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: Item) => i['word'] ?? i['late'])).toEqual(expected);
  });

  it.each([
    ['filter', `filter=${encodeURIComponent("total ~ 'x'")}`, 'invalid_filter'],
    ['filter', `filter=${encodeURIComponent("flag > true")}`, 'invalid_filter'],
    ['filter', `filter=${encodeURIComponent("label = 1")}`, 'invalid_filter'],
    ['cursor', `sort=total&cursor=${Buffer.from('{"sort_value":"x","id":"a"}').toString('base64url')}`, 'invalid_cursor'],
    ['cursor', `sort=flag&cursor=${Buffer.from('{"sort_value":1,"id":"a"}').toString('base64url')}`, 'invalid_cursor'],
  ])('a bad %s over a computed field is a 400, never a 500 (%s)', async (_, query, code) => {
    const res = await get('userA', `?${query}`);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code });
  });
});
