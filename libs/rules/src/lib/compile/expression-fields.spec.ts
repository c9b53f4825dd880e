import { COMPILERS } from '../../test/kysely-compilers';
import { POST_FIELDS } from '../../test/fixtures';
import { checkExpression } from '../check/check-expression';
import type { RuleResolver } from '../resolver/rule-resolver';
import { createFilterResolver, type ExpressionField } from '../resolver/create-filter-resolver';
import { parseExpression } from '../syntax/parse-expression';
import { compileExpression } from './compile-expression';
import type { SqlDialect } from './sql-dialect';

// Expression fields (computed fields): a name standing for an expression over the other fields.
const field = (name: string, text: string, resolver?: RuleResolver): ExpressionField => ({ name, expression: parseExpression(text), resolver });
const EXPRESSIONS: readonly ExpressionField[] = [
  field('total', 'price + qty'),
  field('shout', 'upper(title)'),
  field('label', "coalesce(title, 'none')"),
  field('cheap', 'price < 5'),
  field('author', 'owner'),
  field('nothing', 'null'),
  field('broken', 'nope + 1'),
];
const resolver = createFilterResolver({ fields: POST_FIELDS, expressionFields: EXPRESSIONS });
const options = { resolver, kind: 'filter' as const };

function compile(text: string, dialect: SqlDialect): { sql: string; parameters: readonly unknown[] } {
  const where = compileExpression(text, { ...options, dialect, tableAlias: 'p' });
  const { sql, parameters } = COMPILERS[dialect].selectFrom('p').selectAll().where(where).compile();
  return { sql: sql.replace('select * from "p" where ', ''), parameters };
}

// filter → [sqlite SQL, postgres SQL, parameters (sqlite), parameters (postgres) when they differ]
type GoldenRow = [string, string, string, unknown[], unknown[]?];
const GOLDEN: GoldenRow[] = [
  ['total > 3', '("p"."price" + "p"."qty") > ?', '("p"."price" + "p"."qty") > cast($1 as double precision)', [3]],
  ['total * 2 = 4', '(("p"."price" + "p"."qty") * ?) = ?', '(("p"."price" + "p"."qty") * cast($1 as double precision)) = cast($2 as double precision)', [2, 4]],
  ["shout = 'A'", 'upper("p"."title") = ?', 'translate("p"."title", \'abcdefghijklmnopqrstuvwxyz\', \'ABCDEFGHIJKLMNOPQRSTUVWXYZ\') = cast($1 as text)', ['A']],
  ["label ~ 'no'", 'coalesce("p"."title", ?) like ? escape \'\\\'', 'coalesce("p"."title", $1) ilike cast($2 as text) escape \'\\\'', ['none', '%no%']],
  ["label < 'm'", 'coalesce("p"."title", ?) < ?', 'coalesce("p"."title", $1) collate "C" < cast($2 as text)', ['none', 'm']],
  ['cheap', '("p"."price" < ?)', '("p"."price" < $1)', [5]],
  ['!cheap && total IS NULL', '(not ("p"."price" < ?) and ("p"."price" + "p"."qty") is null)', '(not ("p"."price" < $1) and ("p"."price" + "p"."qty") is null)', [5]],
  // A bare column stays a column: parameters beside it are left for PostgreSQL to type.
  ["author = 'u1'", '"p"."owner" = ?', '"p"."owner" = $1', ['u1']],
  ['nothing = 1', '? = ?', 'cast($1 as double precision) = cast($2 as double precision)', [null, 1]],
  ['total IN (1, price)', '("p"."price" + "p"."qty") in (?, "p"."price")', '("p"."price" + "p"."qty") in (cast($1 as double precision), "p"."price")', [1]],
];

describe.each(['sqlite', 'postgres'] as const)('expression fields compile inline (%s)', (dialect) => {
  it.each(GOLDEN)('%s', (...[text, sqliteSql, pgSql, params, pgParams]: GoldenRow) => {
    const result = compile(text, dialect);
    expect(result.sql).toBe(dialect === 'sqlite' ? sqliteSql : pgSql);
    expect(result.parameters).toEqual(dialect === 'postgres' && pgParams ? pgParams : params);
  });
});

describe('expression fields are checked as their expression', () => {
  const issues = (text: string, o = options) => checkExpression(text, o).map((i) => [i.code, i.position]);

  it.each([
    ['total > 1 && shout ~ \'A\' && cheap = true && author IN (\'u1\')', []],
    ["total ~ '1'", [['operator_not_allowed', 0]]],
    ["total = 'x'", [['type_mismatch', 0]]],
    ['cheap > false', [['operator_not_allowed', 0]]],
    ["author < 'u'", [['operator_not_allowed', 0]]],
    ['total', [['not_a_condition', 0]]],
    // The right side of `~` must be a literal or a request value, never a computed value.
    ['title ~ shout', [['operator_not_allowed', 8]]],
    ['price > 1 && broken = 2', [['invalid_field_expression', 13]]],
    ['nope = 1', [['unknown_field', 0]]],
  ] as const)('%s → %j', (text, expected) => {
    expect(issues(text)).toEqual(expected);
  });

  it('reports a broken body once, at the name, with the body’s message', () => {
    const [issue] = checkExpression('broken = 2', options);
    expect(issue.message).toBe("Field 'broken' cannot be used: its expression is invalid (Field 'nope' does not exist in collection. Available fields: title, status, price, qty, published, owner, email, meta, starts_at, day, id, account_id, created_at, updated_at, created_by, updated_by)");
  });

  it('lists expression fields among the available ones', () => {
    expect(checkExpression('nope = 1', options)[0].message).toMatch(/updated_by, total, shout, label, cheap, author, nothing, broken$/);
  });

  it('refuses an expression field inside another one (no recursion, no blow-up)', () => {
    // Bodies resolved by the resolver that defines them: `a` and `b` would name each other.
    const cyclic: RuleResolver = { resolve: (name) => outer.resolve(name) };
    const outer = createFilterResolver({ fields: POST_FIELDS, expressionFields: [field('a', 'b + 1', cyclic), field('b', 'a + 1', cyclic)] });
    const [issue] = checkExpression('a = 1', { resolver: outer, kind: 'filter' });
    expect(issue).toMatchObject({ code: 'invalid_field_expression', position: 0, message: "Field 'a' names the expression field 'b'; expression fields cannot be nested" });
    // Without a resolver of its own, a body sees the fields only: `total` is then unknown there.
    const plain = createFilterResolver({ fields: POST_FIELDS, expressionFields: [field('twice', 'total * 2')] });
    expect(checkExpression('twice = 1', { resolver: plain, kind: 'filter' }).map((i) => i.code)).toEqual(['invalid_field_expression']);
  });

  it('resolves a body with its own resolver: it may read fields the filter cannot name', () => {
    const all = createFilterResolver({ fields: POST_FIELDS });
    const narrow = createFilterResolver({ fields: [{ name: 'title', type: 'text' }], expressionFields: [field('big', 'price > 100', all)] });
    expect(checkExpression('big && title = \'x\'', { resolver: narrow, kind: 'filter' })).toEqual([]);
    expect(checkExpression('price > 100', { resolver: narrow, kind: 'filter' }).map((i) => i.code)).toEqual(['unknown_field']);
  });

  it.each([
    ['1bad', 'Invalid field name'],
    ['title', 'Duplicate field name'],
    ['id', 'Duplicate field name'],
  ])('refuses the expression field name %s', (name, message) => {
    expect(() => createFilterResolver({ fields: POST_FIELDS, expressionFields: [field(name, 'price')] })).toThrow(message);
  });
});
