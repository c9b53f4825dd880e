import { POST_FIELDS } from '../test/fixtures';
import { COMPILERS } from '../test/kysely-compilers';
import { checkExpression } from './check/check-expression';
import { compileExpression } from './compile/compile-expression';
import { RuleError } from './errors/rule-error';
import { RuleLimitError } from './errors/rule-limit-error';
import { createFilterResolver } from './resolver/create-filter-resolver';
import { createRuleResolver } from './resolver/create-rule-resolver';
import { parseExpression } from './syntax/parse-expression';

const filter = createFilterResolver({ fields: POST_FIELDS });

function attempt(text: string, dialect: 'sqlite' | 'postgres' = 'postgres'): { error?: unknown; sql?: string; parameters?: readonly unknown[] } {
  try {
    const where = compileExpression(text, { resolver: filter, kind: 'filter', dialect });
    return COMPILERS[dialect].selectFrom('t').selectAll().where(where).compile();
  } catch (error) {
    return { error };
  }
}

describe('hostile input', () => {
  it.each([
    '1=1) OR (1=1',
    "title = '' OR 1=1 --",
    'title = 1; DROP TABLE t',
    'title = `x`',
    'title = $1',
    'title = :p',
    'title = ?',
    'price = 1 /* comment */',
    'title = "unterminated',
    '"a" = 1) --',
    '\u0000',
    'tïtle = 1',
    '\u202e = 1',
    '😀',
  ])('%j is a typed error', (text) => {
    const { error } = attempt(text);
    expect(error).toBeInstanceOf(RuleError);
  });

  it.each([
    ["title = '1=1) OR (1=1'", '1=1) OR (1=1'],
    ["title = '-- x'", '-- x'],
    ["title = '/* x */'", '/* x */'],
    ["title = 'Robert\\'); DROP TABLE t; --'", "Robert'); DROP TABLE t; --"],
    ['title = "\\"; select 1"', '"; select 1'],
  ])('keeps %s inside a parameter', (text, value) => {
    for (const dialect of ['sqlite', 'postgres'] as const) {
      const { sql, parameters, error } = attempt(text, dialect);
      expect(error).toBeUndefined();
      expect(parameters).toEqual([value]);
      expect(sql).not.toContain('DROP');
      expect(sql).not.toContain('--');
      expect(sql).not.toContain('/*');
    }
  });

  it('never produces a `--` comment from unary minus', () => {
    for (const text of ['price - -qty = 1', '- -price = 1', '-(-price) = 1', 'price - - - qty > 0']) {
      for (const dialect of ['sqlite', 'postgres'] as const) expect(attempt(text, dialect).sql).not.toContain('--');
    }
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype', '__defineGetter__'])(
    '%s is an unknown field for filters and rules',
    (name) => {
      const rule = createRuleResolver({ fields: POST_FIELDS, data: {} });
      expect(checkExpression(`${name} = 1`, { resolver: filter, kind: 'filter' }).map((i) => i.code)).toEqual(['unknown_field']);
      expect(checkExpression(`${name} = 1`, { resolver: rule, kind: 'rule' }).map((i) => i.code)).toEqual(['unknown_field']);
      expect(checkExpression(`@request.data.${name} = 1`, { resolver: rule, kind: 'rule' }).map((i) => i.code)).toEqual(['unknown_field']);
      expect(checkExpression(`@request.auth.${name} = 1`, { resolver: rule, kind: 'rule' }).map((i) => i.code)).toEqual(['unknown_variable']);
      expect(checkExpression(`@${name}()`, { resolver: rule, kind: 'rule' }).map((i) => i.code)).toEqual(['unknown_macro']);
      expect(checkExpression(`${name}(1) = 1`, { resolver: rule, kind: 'rule' }).map((i) => i.code)).toEqual(['unknown_function']);
    },
  );

  it('10,000 nested parentheses → typed depth error, no stack overflow', () => {
    const text = `${'('.repeat(10_000)}price = 1${')'.repeat(10_000)}`;
    expect(() => parseExpression(text, { maxLength: 100_000 })).toThrow(RuleLimitError);
    expect(() => parseExpression(text, { maxLength: 100_000 })).toThrow('nested deeper than 64 levels at position 64');
    expect(attempt(text).error).toMatchObject({ code: 'expression_too_long' });
  });

  it('10,000 nested ! and - → typed depth error', () => {
    expect(() => parseExpression(`${'!'.repeat(10_000)}published`, { maxLength: 100_000 })).toThrow(RuleLimitError);
    expect(() => parseExpression(`${'-'.repeat(10_000)}price = 1`, { maxLength: 100_000 })).toThrow(RuleLimitError);
  });

  it('a 1 MB expression fails fast with a length error', () => {
    const text = 'price = 1 && '.repeat(80_000) + 'price = 1';
    const started = Date.now();
    expect(attempt(text).error).toMatchObject({ code: 'expression_too_long', limit: 4096 });
    expect(Date.now() - started).toBeLessThan(50);
  });

  it('too many nodes → typed error', () => {
    const text = Array.from({ length: 340 }, () => `qty=1`).join(' || ');
    expect(text.length).toBeLessThan(4096);
    expect(attempt(text).error).toMatchObject({ code: 'too_many_nodes' });
  });

  it('huge numbers are typed errors', () => {
    expect(attempt(`price = ${'9'.repeat(400)}`).error).toMatchObject({ code: 'syntax_error' });
  });
});
