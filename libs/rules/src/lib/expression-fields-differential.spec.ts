import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '@snackbase/testing';
import fc from 'fast-check';
import { compileExpression } from './compile/compile-expression';
import { prepareExpression } from './check/prepare-expression';
import { evaluateValue, matches } from './evaluate/evaluate';
import { createFilterResolver, type ExpressionField } from './resolver/create-filter-resolver';
import type { FieldDefinition } from './resolver/field-type';
import { parseExpression } from './syntax/parse-expression';
import { numberValue, quote, rowArbitrary, textValue } from '../test/expression-arbitraries';

// A filter naming expression fields selects exactly the rows whose evaluated values satisfy it:
// the inlined SQL and the in-memory value of each field agree, NULLs included.
const FIELDS: FieldDefinition[] = [
  { name: 'title', type: 'text' },
  { name: 'status', type: 'text' },
  { name: 'price', type: 'number' },
  { name: 'qty', type: 'number' },
  { name: 'published', type: 'boolean' },
];

const BODIES: Readonly<Record<string, string>> = {
  total: 'price + qty',
  ratio: 'round(price / qty, 2)',
  len: 'length(concat(title, status))',
  label: 'coalesce(title, status)',
  shout: "upper(concat(title, '!'))",
  size: "if(price > 2, 'big', coalesce(status, 'none'))",
  flag: 'price > qty || published',
};
const EXPRESSION_FIELDS: ExpressionField[] = Object.entries(BODIES).map(([name, text]) => ({ name, expression: parseExpression(text) }));

const cmp = fc.constantFrom('=', '!=', '<', '>', '<=', '>=');
const numField = fc.constantFrom('total', 'ratio', 'len');
const textField = fc.constantFrom('label', 'shout', 'size');
const atom = fc.oneof(
  fc.tuple(numField, cmp, fc.oneof(numberValue.map(String), fc.constantFrom('price', 'qty', 'total'))).map(([f, op, v]) => `${f} ${op} ${v}`),
  fc.tuple(textField, cmp, fc.oneof(textValue.map(quote), fc.constantFrom('title', 'status', 'label'))).map(([f, op, v]) => `${f} ${op} ${v}`),
  fc.tuple(textField, fc.constantFrom('a', 'A%', '%!', '_')).map(([f, p]) => `${f} ~ ${quote(p)}`),
  fc.tuple(fc.constantFrom('total', 'label', 'flag', 'ratio'), fc.boolean()).map(([f, not]) => `${f} IS ${not ? 'NOT ' : ''}NULL`),
  fc.tuple(numField, fc.array(numberValue, { minLength: 1, maxLength: 3 })).map(([f, vs]) => `${f} IN (${vs.join(', ')})`),
  fc.constantFrom('flag', '!flag', 'flag = true', 'flag != false'),
);
const condition: fc.Arbitrary<string> = fc.letrec<{ cond: string }>((tie) => ({
  cond: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atom,
    fc.tuple(tie('cond'), tie('cond')).map(([a, b]) => `(${a} && ${b})`),
    fc.tuple(tie('cond'), tie('cond')).map(([a, b]) => `(${a} || ${b})`),
    tie('cond').map((a) => `!(${a})`),
  ),
})).cond;

/** The record as a reader sees it: stored values plus each expression field's evaluated value. */
function withExpressionValues(record: Record<string, unknown>): Record<string, unknown> {
  const out = { ...record };
  for (const f of EXPRESSION_FIELDS) out[f.name] = evaluateValue(f.expression, { record });
  return out;
}

describe.each(TEST_DIALECTS)('expression fields: SQL on %s = evaluated values', (dialect) => {
  let t: TestDatabase;
  const resolver = createFilterResolver({ fields: FIELDS, expressionFields: EXPRESSION_FIELDS });

  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    const pg = dialect === 'postgres';
    await t.db.schema
      .createTable('t')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('title', 'text')
      .addColumn('status', 'text')
      .addColumn('price', pg ? 'double precision' : 'real')
      .addColumn('qty', pg ? 'double precision' : 'real')
      .addColumn('published', pg ? 'boolean' : 'integer')
      .execute();
  }, 30_000);

  afterAll(() => t?.destroy());

  it('selects exactly the rows whose values match (200 random filters)', async () => {
    await fc.assert(
      fc.asyncProperty(condition, fc.array(rowArbitrary, { maxLength: 8 }), async (text, rows) => {
        const prepared = prepareExpression(text, { resolver, kind: 'filter' });
        const records = rows.map(({ title, status, price, qty, published }, i) => ({ id: `r${i}`, title, status, price, qty, published }));
        await t.db.deleteFrom('t').execute();
        if (records.length > 0) {
          const stored = records.map((r) => (dialect === 'sqlite' ? { ...r, published: r.published === null ? null : Number(r.published) } : r));
          await t.db.insertInto('t').values(stored).execute();
        }
        const where = compileExpression(prepared, { resolver, kind: 'filter', dialect });
        const selected = await t.db.selectFrom('t').select('id').where(where).orderBy('id').execute();
        const expected = records.filter((r) => matches(prepared.ast, { record: withExpressionValues(r) })).map((r) => r.id);
        expect(selected.map((r) => r['id'] as string)).toEqual(expected.sort());
      }),
      { numRuns: Number(process.env['RULES_DIFFERENTIAL_RUNS'] ?? 200) },
    );
  }, 60_000);
});
