import { POST_FIELDS } from '../../test/fixtures';
import { COMPILERS } from '../../test/kysely-compilers';
import { checkExpression } from '../check/check-expression';
import { prepareExpression } from '../check/prepare-expression';
import { compileExpression } from '../compile/compile-expression';
import { RuleCheckError } from '../errors/rule-check-error';
import { RuleLimitError } from '../errors/rule-limit-error';
import { evaluate } from '../evaluate/evaluate';
import { createRuleResolver } from '../resolver/create-rule-resolver';
import { defineMacro } from './define-macro';
import { createMacroRegistry } from './macro-registry';

const auth = { id: 'u1', role: 'editor', account_id: 'acc1', groups: ['staff'] };
const resolver = createRuleResolver({ fields: POST_FIELDS, auth });

const macros = createMacroRegistry()
  .define(defineMacro({ name: 'is_published', body: "status = 'published' && published = true" }))
  .define(defineMacro({ name: 'owned_by', params: ['field'], body: 'field = @request.auth.id' }))
  .define(defineMacro({ name: 'visible', params: ['who'], body: '@is_published || @owned_by(who)' }));

function issues(error: () => unknown): [string, number][] {
  try {
    error();
  } catch (e) {
    if (e instanceof RuleCheckError) return e.issues.map((i) => [i.code, i.position]);
    throw e;
  }
  return [];
}

describe('user-defined macros', () => {
  it('expand on the AST with arguments substituted (not text)', () => {
    const prepared = prepareExpression('@visible(owner) && price > 1', { resolver, kind: 'rule', macros });
    const where = compileExpression(prepared, { resolver, kind: 'rule', dialect: 'sqlite', macros });
    const { sql, parameters } = COMPILERS.sqlite.selectFrom('t').selectAll().where(where).compile();
    expect(sql).toBe('select * from "t" where ((("status" = ? and "published" = ?) or "owner" = ?) and "price" > ?)');
    expect(parameters).toEqual(['published', 1, 'u1', 1]);
    expect(evaluate(prepared.ast, { record: { owner: 'u1', price: 2 }, auth })).toBe(true);
  });

  it('points issues inside a macro body at the call site', () => {
    const withBadField = macros.define(defineMacro({ name: 'bad', body: 'nope = 1' }));
    expect(checkExpression('price > 1 && @bad', { resolver, kind: 'rule', macros: withBadField })).toEqual([
      expect.objectContaining({ code: 'unknown_field', position: 13 }),
    ]);
  });

  it('checks arity at use', () => {
    expect(checkExpression('@owned_by()', { resolver, kind: 'rule', macros }).map((i) => i.code)).toEqual(['argument_count']);
  });

  it('rejects invalid definitions with every problem', () => {
    expect(issues(() => defineMacro({ name: '1bad', params: ['a', 'a', 'b c'], body: 'a = (' }))).toEqual([
      ['invalid_macro', 0],
      ['invalid_macro', 0],
      ['invalid_macro', 0],
      ['syntax_error', 5],
    ]);
  });

  it('rejects unknown macros and wrong arity inside a body when saved', () => {
    const def = defineMacro({ name: 'm', body: "@nope() || @owned_by() || @has_role('a', 'b')" });
    expect(issues(() => macros.define(def))).toEqual([
      ['unknown_macro', 0],
      ['argument_count', 11],
      ['argument_count', 26],
    ]);
  });

  it('rejects direct and mutual recursion when saved', () => {
    expect(issues(() => macros.define(defineMacro({ name: 'loop', body: '@loop' })))).toEqual([['macro_recursion', 0]]);
    const a = macros.define(defineMacro({ name: 'a', body: 'price > 1' }));
    const b = a.define(defineMacro({ name: 'b', body: '@a' }));
    expect(issues(() => b.define(defineMacro({ name: 'a', body: '@b' })))).toEqual([['macro_recursion', 0]]);
  });

  it('refuses to shadow a built-in', () => {
    expect(issues(() => macros.define(defineMacro({ name: 'has_role', params: ['r'], body: 'r = 1' })))).toEqual([['invalid_macro', 0]]);
  });

  it('bounds expansion depth and size', () => {
    let registry = createMacroRegistry({ maxDepth: 3 });
    registry = registry.define(defineMacro({ name: 'l0', body: 'price > 1' }));
    for (let i = 1; i <= 4; i++) registry = registry.define(defineMacro({ name: `l${i}`, body: `@l${i - 1}` }));
    expect(checkExpression('@l4', { resolver, kind: 'rule', macros: registry }).map((i) => i.code)).toEqual(['macro_recursion']);
    expect(checkExpression('@l2', { resolver, kind: 'rule', macros: registry })).toEqual([]);

    let wide = createMacroRegistry({ maxDepth: 20 }).define(defineMacro({ name: 'w0', body: 'price > 1' }));
    for (let i = 1; i <= 12; i++) wide = wide.define(defineMacro({ name: `w${i}`, body: `@w${i - 1} && @w${i - 1}` }));
    expect(() => prepareExpression('@w12', { resolver, kind: 'rule', macros: wide })).toThrow(RuleLimitError);
  });
});

describe('built-in macros', () => {
  it.each([
    ["@has_role('editor')", {}, true],
    ["@has_role('admin')", {}, false],
    ["@has_group('staff')", {}, true],
    ['@owns_record()', { created_by: 'u1' }, true],
    ['@is_creator', { created_by: 'u2' }, false],
    ['@owns_record(owner)', { owner: 'u1' }, true],
  ] as const)('%s', (text, record, expected) => {
    expect(evaluate(prepareExpression(text, { resolver, kind: 'rule' }).ast, { record, auth })).toBe(expected);
  });

  it('in_time_range compares against the resolver clock', () => {
    const at = (iso: string) => createRuleResolver({ fields: POST_FIELDS, auth, now: () => new Date(iso) });
    const text = "@in_time_range('2024-01-01T00:00:00Z', '2024-12-31T00:00:00Z')";
    expect(evaluate(prepareExpression(text, { resolver: at('2024-06-01T00:00:00Z'), kind: 'rule' }).ast, {})).toBe(true);
    expect(evaluate(prepareExpression(text, { resolver: at('2025-06-01T00:00:00Z'), kind: 'rule' }).ast, {})).toBe(false);
  });

  it('has_permission asks the resolver callback', () => {
    const calls: string[] = [];
    const r = createRuleResolver({ fields: POST_FIELDS, auth, permissions: (a, c) => (calls.push(`${a}:${c}`), a === 'read') });
    expect(evaluate(prepareExpression("@has_permission('read', 'posts')", { resolver: r, kind: 'rule' }).ast, {})).toBe(true);
    expect(calls).toEqual(['read:posts']);
  });
});
