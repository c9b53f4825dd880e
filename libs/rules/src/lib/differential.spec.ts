import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '@snackbase/testing';
import fc from 'fast-check';
import { sql } from 'kysely';
import { compileExpression } from './compile/compile-expression';
import { prepareExpression } from './check/prepare-expression';
import { evaluateValue, matches } from './evaluate/evaluate';
import { analyzeExpression } from './check/analyze-expression';
import { createFilterResolver } from './resolver/create-filter-resolver';
import { parseExpression } from './syntax/parse-expression';
import { createRuleResolver } from './resolver/create-rule-resolver';
import type { FieldDefinition } from './resolver/field-type';
import { authArbitrary, conditionArbitrary, rowArbitrary } from '../test/expression-arbitraries';
import { POST_FIELDS } from '../test/fixtures';

// Every feature at least once, against typed columns (timestamp/date/json on PostgreSQL).
const SMOKE = [
  "status = 'x' && title != 'y' && title < 'm' && 'm' > title",
  "starts_at > '2024-01-01T00:00:00Z' && day <= '2024-12-31' && starts_at IS NOT NULL",
  "@in_time_range('2024-01-01T00:00:00Z', starts_at) || @in_time_range(starts_at, '2030-01-01T00:00:00Z')",
  "meta IS NULL && owner IN ('u1', @request.auth.id) && email ~ @request.auth.email",
  "@has_role('admin') && @has_group('staff') && @owns_record() && @owns_record(owner) && @has_permission('read', 'p')",
  '@request.data.price > price && @request.data.qty IS NULL && @request.data.title = title',
  "-price < 0 && price - -qty = 1 && price / qty > 1 && price % 2 = 1 && abs(price) = coalesce(qty, 0)",
  "lower(title) = 'x' || upper(title) = 'X' || length(title) > 3 || title ~ 'a%\\_' || true || !published",
  "@request.auth.id IS NULL || @request.auth.role in ('a', 'b') || 'a' = 'a' || 1 + 1 = 2",
  "concat(title, ' ', upper(status)) = 'a B' || trim(title) = 'x' || substring(title, 2) = 'b' || substring(title, 0, 3) = 'ab'",
  'round(price / 3, 1) = 0.3 || round(price) = 2 || ceil(price) = 3 || floor(price) = 2 || floor(-price) = -3',
  "if(price > 2, title, status) = 'x' || nullif(title, 'a') IS NULL || nullif(price, 1) = 2",
  "date_diff(starts_at, '2024-01-01T00:00:00Z', 'days') > 10 && date_diff(day, '2024-01-01', 'hours') < 9000",
  "date_add(starts_at, 2, 'days') > '2024-03-01T00:00:00.000Z' || date_add(day, -1.5, 'hours') = '2024-01-01T00:00:00.000Z'",
  "date_diff(now(), starts_at, 'years') > 0 || length(concat(status, title)) > 5",
  // A timestamp column meets a computed datetime (ISO text on PostgreSQL).
  "starts_at < now() || day < concat('2024', '-06-01') || starts_at IN (now(), '2024-05-01T10:00:00Z')",
  "coalesce(starts_at, now()) > '2024' || if(published, starts_at, date_add(starts_at, 1, 'days')) = nullif(now(), starts_at)",
  // Text that is no timestamp beside a timestamp/date column compares as text (PostgreSQL would fail the statement).
  "starts_at > 'garbage' || day = 'not a day' || starts_at IN ('2026-02-30', '2024-05-01T10:00:00Z') || day < '2024-13-01'",
  "coalesce(starts_at, 'soon') = 'soon' || starts_at = @request.data.title || starts_at > '2024-01-01T25:00:00Z' || starts_at < '2024-01-01T00:00:00+99:00'",
];

const FIELDS: FieldDefinition[] = [
  { name: 'title', type: 'text' },
  { name: 'status', type: 'text' },
  { name: 'price', type: 'number' },
  { name: 'qty', type: 'number' },
  { name: 'published', type: 'boolean' },
  { name: 'owner', type: 'reference' },
];

describe.each(TEST_DIALECTS)('differential: SQL on %s = in-memory evaluator', (dialect) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    const num = dialect === 'postgres' ? 'double precision' : 'real';
    const bool = dialect === 'postgres' ? 'boolean' : 'integer';
    await t.db.schema
      .createTable('t')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('title', 'text')
      .addColumn('status', 'text')
      .addColumn('price', num)
      .addColumn('qty', num)
      .addColumn('published', bool)
      .addColumn('owner', 'varchar(36)')
      .addColumn('account_id', 'text')
      .addColumn('created_at', 'text')
      .addColumn('updated_at', 'text')
      .addColumn('created_by', 'text')
      .addColumn('updated_by', 'text')
      .execute();
  }, 30_000);

  afterAll(() => t?.destroy());

  it('selects exactly the rows the evaluator keeps (200 random expressions)', async () => {
    await fc.assert(
      fc.asyncProperty(conditionArbitrary, fc.array(rowArbitrary, { maxLength: 8 }), authArbitrary, async (text, rows, auth) => {
        const resolver = createRuleResolver({ fields: FIELDS, auth });
        const prepared = prepareExpression(text, { resolver, kind: 'rule' });
        const withIds = rows.map((r, i) => ({ id: `r${i}`, ...r }));
        await t.db.deleteFrom('t').execute();
        if (withIds.length > 0) {
          const stored = withIds.map((r) => (dialect === 'sqlite' ? { ...r, published: r.published === null ? null : Number(r.published) } : r));
          await t.db.insertInto('t').values(stored).execute();
        }
        const where = compileExpression(prepared, { resolver, kind: 'rule', dialect });
        const selected = await t.db.selectFrom('t').select('id').where(where).orderBy('id').execute();
        const expected = withIds.filter((record) => matches(prepared.ast, { record, auth })).map((r) => r.id).sort();
        expect(selected.map((r) => r['id'] as string)).toEqual(expected);
      }),
      { numRuns: Number(process.env["RULES_DIFFERENTIAL_RUNS"] ?? 200) },
    );
  }, 60_000);
});

describe.each(TEST_DIALECTS)('every feature runs on %s', (dialect) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    const pg = dialect === 'postgres';
    let table = t.db.schema.createTable('g').addColumn('id', 'text');
    for (const f of POST_FIELDS) {
      const type = { number: pg ? 'double precision' : 'real', boolean: pg ? 'boolean' : 'integer', datetime: pg ? 'timestamp' : 'text', date: pg ? 'date' : 'text', json: pg ? 'jsonb' : 'text' }[f.type as string] ?? 'text';
      table = table.addColumn(f.name, type as 'text');
    }
    for (const c of ['account_id', 'created_at', 'updated_at', 'created_by', 'updated_by']) table = table.addColumn(c, 'text');
    await table.execute();
    await t.db.insertInto('g').values({ id: 'r1', title: 'abc', price: 3, qty: 2, published: pg ? true : 1, starts_at: '2024-05-01T10:00:00Z', day: '2024-05-01', owner: 'u1', created_by: 'u1' }).execute();
  }, 30_000);

  afterAll(() => t?.destroy());

  it.each(SMOKE)('%s', async (text) => {
    const resolver = createRuleResolver({
      fields: POST_FIELDS,
      auth: { id: 'u1', email: 'a@x.io', role: 'admin', groups: ['staff'] },
      data: { price: 4, title: 'abc' },
      permissions: () => true,
    });
    const where = compileExpression(text, { resolver, kind: 'rule', dialect });
    const rows = await t.db.selectFrom('g').select('id').where(where).execute();
    expect(rows.length).toBeLessThanOrEqual(1);
  });
});

// The computed-field functions: the value SQL computes equals the evaluator's, per dialect.
const VALUES: [string, Record<string, unknown>][] = [
  ["concat(title, ' ', upper(status))", { title: 'Hi', status: 'draft' }],
  ["concat(title, ' ', status)", { title: 'Hi', status: null }],
  ['trim(title)', { title: '  a b  ' }],
  ['substring(title, 2)', { title: 'héllo' }],
  ['substring(title, 0, 3)', { title: 'héllo' }],
  ['substring(title, 2, 2)', { title: 'héllo' }],
  ['substring(title, -2, 5)', { title: 'héllo' }],
  ['round(price / 3, 1)', { price: 10 }],
  ['round(price)', { price: -2.5 }],
  ['round(price, 2)', { price: 1.23456 }],
  ['ceil(price)', { price: -2.5 }],
  ['floor(price)', { price: -2.5 }],
  ['floor(price)', { price: 4 }],
  ['if(price > 2, title, status)', { price: 3, title: 'a', status: 'b' }],
  ['if(price > 2, title, status)', { price: null, title: 'a', status: 'b' }],
  ["nullif(title, 'a')", { title: 'a' }],
  ['nullif(price, 1)', { price: 2 }],
  ["date_diff(starts_at, '2024-01-01T00:00:00Z', 'days')", { starts_at: '2024-01-03T12:00:00Z' }],
  ["date_diff(day, '2024-01-01', 'hours')", { day: '2024-01-02' }],
  ["date_diff(starts_at, '2025-01-01T00:00:00.000Z', 'days')", { starts_at: '2024-12-31T23:00:00.000Z' }],
  ["date_diff(starts_at, '2025-01-01T00:00:00.000Z', 'minutes')", { starts_at: '2025-01-01T00:00:01.234Z' }],
  ["date_diff(starts_at, '2023-01-01T00:00:00Z', 'years')", { starts_at: '2024-01-01T00:00:00Z' }],
  ["date_add(starts_at, 2, 'days')", { starts_at: '2024-02-28T10:00:00Z' }],
  ["date_add(day, -1.5, 'hours')", { day: '2024-01-01' }],
  ["date_add(starts_at, 1, 'months')", { starts_at: null }],
  // A timestamp/date column meeting a computed datetime or text (ISO text on PostgreSQL).
  ['coalesce(starts_at, now())', { starts_at: '2024-01-03T12:00:00.000Z' }],
  ["if(price > 2, starts_at, date_add(starts_at, 1, 'days'))", { price: 1, starts_at: '2024-02-28T10:00:00.000Z' }],
  ["if(price > 2, starts_at, date_add(starts_at, 1, 'days'))", { price: 3, starts_at: '2024-02-28T10:00:00.000Z' }],
  ["if(starts_at < date_add(day, 1, 'days'), 'before', 'after')", { starts_at: '2024-01-01T10:00:00.000Z', day: '2024-01-01' }],
  ["if(starts_at IN (now(), date_add(day, 10, 'hours')), 'hit', 'miss')", { starts_at: '2024-01-01T10:00:00.000Z', day: '2024-01-01' }],
  ["nullif(day, concat('2024', '-01-01'))", { day: '2024-01-01' }],
  // Date functions over text that is no ISO date: NULL everywhere, never a failed statement.
  ["date_diff(title, starts_at, 'days')", { title: 'hello', starts_at: '2024-01-03T12:00:00.000Z' }],
  ["date_diff(title, starts_at, 'days')", { title: '2024-01-05', starts_at: '2024-01-03T12:00:00.000Z' }],
  ["date_diff(title, starts_at, 'hours')", { title: '2024-02-30', starts_at: '2024-01-03T12:00:00.000Z' }],
  ["date_diff(status, '1', 'days')", { status: '2024-01-01T10:00:00+05:30' }],
  ["date_add(title, 1, 'days')", { title: 'now' }],
  ["date_add(title, 1, 'days')", { title: '2460000.5' }],
  ["date_add(concat(title, 'T10:00:00Z'), 1, 'hours')", { title: '2024-03-01' }],
  ["date_diff(starts_at, 'garbage', 'days')", { starts_at: '2024-01-03T12:00:00.000Z' }],
  ["date_add('2024-13-01', 1, 'days')", { title: 'x' }],
  // No timestamp text beside a timestamp/date column: compared as text, as the evaluator does.
  ["if(starts_at > 'garbage', 'after', 'before')", { starts_at: '2024-01-01T10:00:00.000Z' }],
  ["if(starts_at < '2024-02-30', 'before', 'after')", { starts_at: '2024-02-29T10:00:00.000Z' }],
  ["if(day IN ('x', '2024-01-01'), 'hit', 'miss')", { day: '2024-01-01' }],
];

describe.each(TEST_DIALECTS)('function values on %s = in-memory evaluator', (dialect) => {
  let t: TestDatabase;
  const pg = dialect === 'postgres';

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    await t.db.schema
      .createTable('v')
      .addColumn('id', 'text')
      .addColumn('title', 'text')
      .addColumn('status', 'text')
      .addColumn('price', pg ? 'double precision' : 'real')
      .addColumn('starts_at', pg ? 'timestamp' : 'text')
      .addColumn('day', pg ? 'date' : 'text')
      .execute();
  }, 30_000);

  afterAll(() => t?.destroy());

  it.each(VALUES)('%s over %j', async (text, row) => {
    const resolver = createFilterResolver({ fields: POST_FIELDS });
    const ast = parseExpression(text);
    const analysis = analyzeExpression(ast, resolver, { requireCondition: false });
    expect(analysis.issues).toEqual([]);
    const prepared = { ast, analysis };
    await t.db.deleteFrom('v').execute();
    await t.db.insertInto('v').values({ id: 'r', ...row }).execute();
    const value = compileExpression(prepared, { resolver, kind: 'filter', dialect });
    const [sqlRow] = await t.db.selectFrom('v').select(sql`${value}`.as('out')).execute();
    const memory = evaluateValue(prepared.ast, { record: row });
    const fromSql = (sqlRow as { out: unknown }).out;
    if (typeof memory === 'number') expect(Number(fromSql)).toBe(memory);
    else expect(fromSql).toEqual(memory);
  });
});
