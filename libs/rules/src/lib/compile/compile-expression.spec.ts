import { COMPILERS } from '../../test/kysely-compilers';
import { POST_FIELDS } from '../../test/fixtures';
import { RuleCheckError } from '../errors/rule-check-error';
import { createFilterResolver } from '../resolver/create-filter-resolver';
import { createRuleResolver } from '../resolver/create-rule-resolver';
import { compileExpression, type CompileOptions } from './compile-expression';
import type { SqlDialect } from './sql-dialect';

const auth = { id: 'u1', email: 'a@x.io', role: 'admin', account_id: 'acc1', groups: ['staff'] };
const ruleResolver = createRuleResolver({
  fields: POST_FIELDS,
  auth,
  data: { title: 'T', price: 3 },
  permissions: (action, collection) => action === 'read' && collection === 'posts',
  now: () => new Date('2024-06-01T12:00:00.000Z'),
});

function compile(text: string, dialect: SqlDialect, extra: Partial<CompileOptions> = {}): { sql: string; parameters: readonly unknown[] } {
  const where = compileExpression(text, { resolver: ruleResolver, kind: 'rule', dialect, ...extra });
  const { sql, parameters } = COMPILERS[dialect].selectFrom('t').selectAll().where(where).compile();
  return { sql: sql.replace('select * from "t" where ', ''), parameters };
}

// expression → [sqlite SQL, postgres SQL, parameters (sqlite), parameters (postgres) when they differ]
type GoldenRow = [string, string, string, unknown[], unknown[]?];
const GOLDEN: GoldenRow[] = [
  ["status = 'published'", '"status" = ?', '"status" = $1', ['published']],
  ["status != 'draft'", '"status" <> ?', '"status" <> $1', ['draft']],
  ['created_by = @request.auth.id', '"created_by" = ?', '"created_by" = $1', ['u1']],
  [
    "status = 'published' && published = true",
    '("status" = ? and "published" = ?)',
    '("status" = $1 and "published" = $2)',
    ['published', 1],
    ['published', true],
  ],
  ['a_or_b'.replace('a_or_b', 'price > 5 || qty <= 2'), '("price" > ? or "qty" <= ?)', '("price" > $1 or "qty" <= $2)', [5, 2]],
  ['!(price >= 1)', 'not ("price" >= ?)', 'not ("price" >= $1)', [1]],
  ['published', '"published"', '"published"', []],
  ['!published', 'not "published"', 'not "published"', []],
  ['true', '?', 'cast($1 as boolean)', [1], [true]],
  ['price > -5', '"price" > ?', '"price" > $1', [-5]],
  ['-price < 0', '(-"price") < ?', '(-"price") < cast($1 as double precision)', [0]],
  ['price - -qty = 1', '("price" - (-"qty")) = ?', '("price" - (-"qty")) = cast($1 as double precision)', [1]],
  ['price * 2 + 1 > qty', '(("price" * ?) + ?) > "qty"', '(("price" * cast($1 as double precision)) + cast($2 as double precision)) > "qty"', [2, 1]],
  ['price / qty > 1', '(cast("price" as real) / nullif("qty", 0)) > ?', '("price" / nullif("qty", 0)) > cast($1 as double precision)', [1]],
  [
    'price % 2 = 1',
    '("price" - ? * cast(cast("price" as real) / nullif(?, 0) as integer)) = ?',
    '("price" - cast($1 as double precision) * trunc("price" / nullif(cast($2 as double precision), 0))) = cast($3 as double precision)',
    [2, 2, 1],
  ],
  ["title ~ 'abc'", '"title" like ? escape \'\\\'', '"title" ilike $1 escape \'\\\'', ['%abc%']],
  ["title ~ 'a_b\\\\c'", '"title" like ? escape \'\\\'', '"title" ilike $1 escape \'\\\'', ['%a\\_b\\\\c%']],
  ["title ~ 'ab%'", '"title" like ? escape \'\\\'', '"title" ilike $1 escape \'\\\'', ['ab%']],
  ['email ~ @request.auth.email', '"email" like ? escape \'\\\'', '"email" ilike $1 escape \'\\\'', ['%a@x.io%']],
  ["title < 'm'", '"title" < ?', '"title" collate "C" < $1', ['m']],
  ["'m' > title", '? > "title"', '$1 > "title" collate "C"', ['m']],
  ["starts_at > '2024-01-01'", '"starts_at" > ?', '"starts_at" > $1', ['2024-01-01']],
  ["status IN ('a', 'b')", '"status" in (?, ?)', '"status" in ($1, $2)', ['a', 'b']],
  ['price in (1, qty)', '"price" in (?, "qty")', '"price" in ($1, "qty")', [1]],
  ['meta IS NULL', '"meta" is null', '"meta" is null', []],
  ['owner IS NOT NULL', '"owner" is not null', '"owner" is not null', []],
  ['@request.auth.id IS NULL', '? is null', 'cast($1 as text) is null', ['u1']],
  ["lower(title) = 'x'", 'lower("title") = ?', 'translate("title", \'ABCDEFGHIJKLMNOPQRSTUVWXYZ\', \'abcdefghijklmnopqrstuvwxyz\') = cast($1 as text)', ['x']],
  ['length(title) > 3', 'length("title") > ?', 'length("title") > cast($1 as double precision)', [3]],
  ['abs(price) = coalesce(qty, 0)', 'abs("price") = coalesce("qty", ?)', 'abs("price") = coalesce("qty", $1)', [0]],
  ["concat(title, ' ') = 'a '", '("title" || ?) = ?', '(cast("title" as text) || cast(cast($1 as text) as text)) = cast($2 as text)', [' ', 'a ']],
  ["trim(title) = 'a'", 'trim("title", \' \') = ?', 'btrim(cast("title" as text), \' \') = cast($1 as text)', ['a']],
  ['round(price, 1) = 1', 'round("price", min(max(cast(? as integer), 0), 15)) = ?', 'cast(round(cast("price" as numeric), least(greatest(cast(trunc(cast($1 as double precision)) as integer), 0), 15)) as double precision) = cast($2 as double precision)', [1, 1]],
  ['floor(price) = 1', '(case when "price" < cast("price" as integer) then cast("price" as integer) - 1 else cast("price" as integer) end) = ?', 'floor(cast("price" as double precision)) = cast($1 as double precision)', [1]],
  ["if(published, title, 'x') = 'x'", 'case when "published" then "title" else ? end = ?', 'case when "published" then "title" else $1 end = cast($2 as text)', ['x', 'x']],
  ["date_diff(starts_at, day, 'hours') > 1", '((round(julianday("starts_at") * 86400000.0) - round(julianday("day") * 86400000.0)) / 1000.0 / 3600) > ?', '(extract(epoch from (cast(cast("starts_at" as text) as timestamp with time zone)) - (cast(cast("day" as text) as timestamp with time zone)))::double precision / 3600) > cast($1 as double precision)', [1]],
  // A timestamp/date column meeting a computed datetime or text is compared as its ISO text.
  [
    'starts_at < now()',
    '"starts_at" < strftime(\'%Y-%m-%dT%H:%M:%fZ\', \'now\')',
    'to_char(((cast(cast("starts_at" as text) as timestamp with time zone))) at time zone \'UTC\', \'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"\') collate "C" < to_char((now()) at time zone \'UTC\', \'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"\')',
    [],
  ],
  [
    "coalesce(day, concat('2024', '-01')) = 'x'",
    'coalesce("day", (? || ?)) = ?',
    'coalesce(cast("day" as text), (cast(cast($1 as text) as text) || cast(cast($2 as text) as text))) = cast($3 as text)',
    ['2024', '-01', 'x'],
  ],
  ["@has_role('admin')", '? = ?', 'cast($1 as text) = cast($2 as text)', ['admin', 'admin']],
  ["@has_group('staff')", '?', 'cast($1 as boolean)', [1], [true]],
  ["@has_group('ops')", '?', 'cast($1 as boolean)', [0], [false]],
  ['@owns_record()', '"created_by" = ?', '"created_by" = $1', ['u1']],
  ['@is_creator', '"created_by" = ?', '"created_by" = $1', ['u1']],
  ['@owns_record(owner)', '"owner" = ?', '"owner" = $1', ['u1']],
  ["@has_permission('read', 'posts')", '?', 'cast($1 as boolean)', [1], [true]],
  [
    "@in_time_range('2024-01-01', starts_at)",
    '(? <= ? and ? < "starts_at")',
    '(cast($1 as text) collate "C" <= cast($2 as text) and $3 < "starts_at")',
    ['2024-01-01', '2024-06-01T12:00:00.000Z', '2024-06-01T12:00:00.000Z'],
  ],
  ['@request.data.price > price', '? > "price"', '$1 > "price"', [3]],
  ['@request.data.qty IS NULL', '? is null', 'cast($1 as double precision) is null', [null]],
];

describe.each(['sqlite', 'postgres'] as const)('compileExpression golden SQL (%s)', (dialect) => {
  // A rest parameter keeps jest from taking the optional 5th column for a `done` callback.
  it.each(GOLDEN)('%s', (...[text, sqliteSql, pgSql, params, pgParams]: GoldenRow) => {
    const result = compile(text, dialect);
    expect(result.sql).toBe(dialect === 'sqlite' ? sqliteSql : pgSql);
    expect(result.parameters).toEqual(dialect === 'postgres' && pgParams ? pgParams : params);
  });

  it('qualifies columns with the table alias', () => {
    expect(compile("status = 'x'", dialect, { tableAlias: 'p' }).sql).toBe(dialect === 'sqlite' ? '"p"."status" = ?' : '"p"."status" = $1');
  });
});

describe('compileExpression guards', () => {
  it('rejects an invalid table alias', () => {
    expect(() => compile('published', 'sqlite', { tableAlias: 'p; drop' })).toThrow(RangeError);
  });

  it('throws RuleCheckError with every issue', () => {
    const resolver = createFilterResolver({ fields: POST_FIELDS });
    let error: unknown;
    try {
      compileExpression("nope = 1 && price ~ 'x' && @request.auth.id = 'a'", { resolver, kind: 'filter', dialect: 'sqlite' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RuleCheckError);
    expect((error as RuleCheckError).issues.map((i) => [i.code, i.position])).toEqual([
      ['unknown_field', 0],
      ['operator_not_allowed', 12],
      ['context_not_allowed', 27],
    ]);
  });
});
