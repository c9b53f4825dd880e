import { POST_FIELDS } from '../../test/fixtures';
import { prepareExpression } from '../check/prepare-expression';
import { RuleEvaluationError } from '../errors/rule-evaluation-error';
import { createRuleResolver } from '../resolver/create-rule-resolver';
import { parseExpression } from '../syntax/parse-expression';
import { evaluate, evaluateValue, matches, type EvaluationContext } from './evaluate';
import { likeMatch } from './like-match';

const auth = { id: 'u1', role: 'admin', groups: ['staff'] };
const resolver = createRuleResolver({ fields: POST_FIELDS, auth, data: {} });

function run(text: string, ctx: EvaluationContext): boolean | null {
  return evaluate(prepareExpression(text, { resolver, kind: 'rule' }).ast, { auth, ...ctx });
}

// Boolean fields with values true/false/NULL give the three truth values.
const T = { published: true };
const F = { published: false };
const U = { published: null };

describe('evaluate: three-valued logic', () => {
  it.each([
    ['AND', T, T, true],
    ['AND', T, F, false],
    ['AND', T, U, null],
    ['AND', F, U, false],
    ['AND', U, U, null],
    ['OR', T, U, true],
    ['OR', F, U, null],
    ['OR', F, F, false],
    ['OR', U, U, null],
  ] as const)('%s(%j, %j) = %s', (op, a, b, expected) => {
    // `status IS NULL` is TRUE when status is absent; combine with the boolean field.
    const text = op === 'AND' ? 'published && (published = x)' : 'published || (published = x)';
    const record = { published: a.published, x: b.published };
    const fields = [...POST_FIELDS, { name: 'x', type: 'boolean' as const }];
    const r = createRuleResolver({ fields, auth });
    expect(evaluate(prepareExpression(text.replace('(published = x)', 'x'), { resolver: r, kind: 'rule' }).ast, { record })).toBe(expected);
  });

  it.each([
    [T, false],
    [F, true],
    [U, null],
  ])('NOT %j = %s', (record, expected) => {
    expect(run('!published', { record })).toBe(expected);
  });

  it.each([
    ['price = 1', { price: null }, null],
    ['price != 1', { price: null }, null],
    ['!(price = 1)', { price: null }, null],
    ['price IS NULL', { price: null }, true],
    ['price IS NOT NULL', {}, false],
    ['price IN (1, 2)', { price: 1 }, true],
    ['price IN (1, 2)', { price: 3 }, false],
    ['price IN (1, 2)', { price: null }, null],
    ['price IN (1, qty)', { price: 3, qty: null }, null],
    ['price IN (3, qty)', { price: 3, qty: null }, true],
    ['price + 1 > 0', { price: null }, null],
    ['price / 0 IS NULL', { price: 1 }, true],
    ['price / qty = 2.5', { price: 5, qty: 2 }, true],
    ['price % 2 = -1', { price: -5 }, true],
    ['price % 2 = 0.5', { price: 2.5 }, true],
    ['-price = 3', { price: -3 }, true],
    ["title < 'b'", { title: 'a' }, true],
    ["title < 'b'", { title: 'B' }, true],
    ["title > 'Z'", { title: 'a' }, true],
    ["title ~ 'AB'", { title: 'xaby' }, true],
    ["title ~ 'a_b'", { title: 'axb' }, false],
    ["title ~ 'a_b'", { title: 'a_b' }, true],
    ["title ~ 'a_b%'", { title: 'axbzz' }, true],
    ["title ~ 'ab'", { title: null }, null],
    ["lower(title) = 'Éa'", { title: 'ÉA' }, true],
    ["upper(title) = 'ÉA'", { title: 'éa' }, false],
    ['length(title) = 2', { title: '😀a' }, true],
    ["coalesce(title, 'x') = 'x'", {}, true],
    ["concat(title, '-', status) = 'a-b'", { title: 'a', status: 'b' }, true],
    ["concat(title, status) = 'a'", { title: 'a', status: null }, null],
    ["trim(title) = 'a b'", { title: '  a b ' }, true],
    ["substring(title, 2, 2) = '😀b'", { title: 'a😀bc' }, true],
    ["substring(title, 0, 2) = 'a'", { title: 'abc' }, true],
    ['substring(title, price) IS NULL', { title: 'abc', price: null }, true],
    ['round(price, 1) = 3.3', { price: 3.25 }, true],
    ['round(price) = -3', { price: -2.5 }, true],
    ['ceil(price) = -2 && floor(price) = -3', { price: -2.5 }, true],
    ["if(price > 1, 'big', 'small') = 'small'", { price: null }, true],
    ["if(price > 1, 'big', 'small') = 'big'", { price: 2 }, true],
    ["nullif(title, 'a') IS NULL", { title: 'a' }, true],
    ["nullif(title, 'a') = 'b'", { title: 'b' }, true],
    ["date_diff(starts_at, '2024-01-01T00:00:00Z', 'hours') = 36", { starts_at: '2024-01-02T12:00:00Z' }, true],
    ["date_diff(day, '2024-01-31', 'months') = 1", { day: '2024-03-01' }, true],
    ["date_add(day, 1, 'days') = '2024-01-02T00:00:00.000Z'", { day: '2024-01-01' }, true],
    ["date_add(starts_at, 1, 'days') IS NULL", { starts_at: 'not a date' }, true],
    ['published = true', { published: 1 }, true],
    ['published', { published: 0 }, false],
    ["@has_role('admin') && @owns_record()", { created_by: 'u1' }, true],
    ["@has_group('ops')", {}, false],
  ] as const)('%s with %j → %s', (text, record, expected) => {
    expect(run(text, { record })).toBe(expected);
  });

  it('keeps only TRUE rows in matches()', () => {
    const ast = prepareExpression('price > 1', { resolver, kind: 'rule' }).ast;
    expect([{ price: 2 }, { price: 0 }, { price: null }].filter((record) => matches(ast, { record }))).toEqual([{ price: 2 }]);
  });

  it('never reads the prototype chain', () => {
    const ast = parseExpression('constructor IS NULL && __proto__ IS NULL && toString IS NULL');
    expect(evaluate(ast, { record: {} })).toBe(true);
  });

  it('reads @request.data and anonymous auth as NULL', () => {
    expect(run('@request.data.title IS NULL && @request.auth.id = created_by', { record: { created_by: 'u1' }, auth: null })).toBe(null);
    expect(run("@request.data.title = 'x'", { data: { title: 'x' } })).toBe(true);
  });

  it('refuses unexpanded macros', () => {
    expect(() => evaluate(parseExpression("@has_role('x')"), {})).toThrow(RuleEvaluationError);
  });
});

describe('likeMatch', () => {
  it.each([
    ['abc', '%b%', true],
    ['abc', 'a_c', true],
    ['abc', 'a\\_c', false],
    ['a_c', 'a\\_c', true],
    ['a%c', 'a\\%c', true],
    ['ABC', 'abc', true],
    ['É', 'é', false],
    ['', '%', true],
    ['x', '', false],
    ['aaa', '%a%a%a%', true],
    ['aa', '%a%a%a%', false],
  ])('%j LIKE %j = %s', (text, pattern, expected) => {
    expect(likeMatch(text, pattern)).toBe(expected);
  });

  it('pins now() once per evaluation, or to the context\'s instant', () => {
    const ast = parseExpression('now()');
    expect(evaluateValue(ast, { now: '2024-06-01T12:00:00Z' })).toBe('2024-06-01T12:00:00.000Z');
    const twice = parseExpression("date_diff(now(), now(), 'seconds') = 0");
    expect(evaluate(twice, {})).toBe(true);
    expect(Date.parse(String(evaluateValue(ast, {})))).not.toBeNaN();
  });
});
