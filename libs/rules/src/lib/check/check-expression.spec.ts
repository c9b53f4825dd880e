import { POST_FIELDS } from '../../test/fixtures';
import { createFilterResolver } from '../resolver/create-filter-resolver';
import { createRuleResolver } from '../resolver/create-rule-resolver';
import { checkExpression } from './check-expression';

const filter = { resolver: createFilterResolver({ fields: POST_FIELDS }), kind: 'filter' as const };
const listRule = { resolver: createRuleResolver({ fields: POST_FIELDS }), kind: 'rule' as const };
const createRule = { resolver: createRuleResolver({ fields: POST_FIELDS, data: {} }), kind: 'rule' as const };

const codes = (text: string, options: typeof filter | typeof listRule): [string, number][] =>
  checkExpression(text, options).map((i) => [i.code, i.position]);

describe('checkExpression', () => {
  it('reports every problem at once, in position order', () => {
    expect(codes("price ~ 'x' && nope = 1 && title = 5 && lower(price) = 'a' && published > true && f(1)", listRule)).toEqual([
      ['operator_not_allowed', 0],
      ['unknown_field', 15],
      ['type_mismatch', 27],
      ['argument_type', 46],
      ['operator_not_allowed', 62],
      ['unknown_function', 82],
    ]);
  });

  it.each([
    ["status = 'x'", filter, []],
    ['updated_by = id', filter, []],
    ['@request.auth.id = created_by', filter, [['context_not_allowed', 0]]],
    ["@has_role('admin')", filter, [['macro_not_allowed', 0]]],
    ['missing = 1', listRule, [['unknown_field', 0]]],
    ['__proto__ = 1', listRule, [['unknown_field', 0]]],
    ['constructor IS NULL', filter, [['unknown_field', 0]]],
    ['@request.data.title = title', listRule, [['data_not_allowed', 0]]],
    ['@request.data.title = title', createRule, []],
    ['@request.data.id = id', createRule, [['unknown_field', 0]]],
    ['@request.auth.groups = 1', listRule, [['unknown_variable', 0]]],
    ['@request.auth.password = 1', listRule, [['unknown_variable', 0]]],
    ['@nope', listRule, [['unknown_variable', 0]]],
    ['@nope()', listRule, [['unknown_macro', 0]]],
    ["@has_role('a', 'b')", listRule, [['argument_count', 0]]],
    ['@has_role(admin)', listRule, [['argument_type', 10]]],
    ["@owns_record('owner')", listRule, [['argument_type', 13]]],
    ['@has_permission(\'read\', \'posts\')', listRule, [['macro_not_allowed', 0]]],
    ['meta = 1', filter, [['operator_not_allowed', 0]]],
    ['meta IS NOT NULL', filter, []],
    ["owner < 'x'", filter, [['operator_not_allowed', 0]]],
    ["owner IN ('x')", filter, []],
    ['published IN (true)', filter, [['operator_not_allowed', 0]]],
    ["starts_at > '2024-01-01'", filter, []],
    ['starts_at > title', filter, [['type_mismatch', 0]]],
    ["day <= '2024-01-01'", filter, []],
    ["title ~ 'ok'", filter, []],
    ['title ~ status', filter, [['operator_not_allowed', 8]]],
    ["title ~ 'bad\\\\'", filter, []],
    ["title ~ 'bad%\\\\'", filter, [['invalid_pattern', 8]]],
    ['price = null', filter, [['null_comparison', 0]]],
    ['price', filter, [['not_a_condition', 0]]],
    ["'x' && true", filter, [['not_a_condition', 0]]],
    ['!price', filter, [['not_a_condition', 1]]],
    ["price + 'a' > 1", filter, [['type_mismatch', 8]]],
    ['-title = 1', filter, [['type_mismatch', 1]]],
    ['lower(title, 1) = 1', filter, [['argument_count', 0]]],
    ["coalesce(price, 'x') = 1", filter, [['type_mismatch', 16]]],
    ["concat(title) = 'a'", filter, [['argument_count', 0]]],
    ["concat(title, price) = 'a'", filter, [['argument_type', 14]]],
    ["substring(title, 'a') = 'a'", filter, [['argument_type', 17]]],
    ['round(price, 1, 2) = 1', filter, [['argument_count', 0]]],
    ["ceil(title) = 1", filter, [['argument_type', 5]]],
    ["if(price, 'a', 'b') = 'a'", filter, [['not_a_condition', 3]]],
    ["if(price > 1, 'a', 2) = 'a'", filter, [['type_mismatch', 19]]],
    ['nullif(price) = 1', filter, [['argument_count', 0]]],
    ['now(1) IS NULL', filter, [['argument_count', 0]]],
    ["date_diff(starts_at, day, 'weeks') > 1", filter, [['argument_type', 26]]],
    ["date_diff(starts_at, day, status) > 1", filter, [['argument_type', 26]]],
    ["date_diff(price, day, 'days') > 1", filter, [['argument_type', 10]]],
    ["date_add(starts_at, 'x', 'days') IS NULL", filter, [['argument_type', 20]]],
    ["date_add(starts_at, 1, 'days') > now() && round(ceil(price) / 3, 1) = 1", filter, []],
    ['(a = 1', filter, [['syntax_error', 6]]],
    ['x'.repeat(5000), filter, [['expression_too_long', 4096]]],
  ] as const)('%s', (text, options, expected) => {
    expect(codes(text, options)).toEqual(expected);
  });

  it('words unknown-field messages like the spec', () => {
    expect(checkExpression('x = 1', filter)[0].message).toMatch(/^Field 'x' does not exist in collection\. Available fields: title, status/);
  });
});
