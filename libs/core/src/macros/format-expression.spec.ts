import { parseExpression } from '@snackbase/rules';
import { formatExpression } from './format-expression';

describe('formatExpression', () => {
  it.each([
    "status = 'published'",
    "(a = 1 || b != 'x') && !(c IS NULL)",
    'price * (1 + tax) >= -5',
    "role IN ('a', 'b') && d IS NOT NULL",
    "lower(title) ~ 'it\\'s%'",
    '@request.auth.id = owner && flag = true && n = null',
  ])('re-parses %s to the same tree', (text) => {
    const ast = parseExpression(text);
    const printed = formatExpression(ast);
    expect(stripPositions(parseExpression(printed))).toEqual(stripPositions(ast));
  });

  it('quotes string literals safely', () => {
    expect(formatExpression({ kind: 'literal', value: "it's \\ ok", position: 0 })).toBe("'it\\'s \\\\ ok'");
  });
});

function stripPositions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripPositions);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'position').map(([k, v]) => [k, stripPositions(v)]));
  }
  return value;
}
