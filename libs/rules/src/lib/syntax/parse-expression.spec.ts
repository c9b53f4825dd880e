import { RuleLimitError } from '../errors/rule-limit-error';
import { RuleSyntaxError } from '../errors/rule-syntax-error';
import { parseExpression } from './parse-expression';

/** A compact S-expression view of the AST, to assert precedence and shape. */
function show(text: string): string {
  const node = parseExpression(text);
  const s = (n: typeof node): string => {
    switch (n.kind) {
      case 'literal':
        return JSON.stringify(n.value);
      case 'identifier':
        return n.name;
      case 'negate':
        return `(neg ${s(n.operand)})`;
      case 'not':
        return `(! ${s(n.operand)})`;
      case 'arithmetic':
      case 'comparison':
        return `(${n.operator} ${s(n.left)} ${s(n.right)})`;
      case 'logical':
        return `(${n.operator} ${n.operands.map(s).join(' ')})`;
      case 'in':
        return `(in ${s(n.operand)} ${n.values.map(s).join(' ')})`;
      case 'is-null':
        return `(${n.negated ? 'not-null' : 'null'} ${s(n.operand)})`;
      case 'call':
        return `(${n.name} ${n.args.map(s).join(' ')})`.replace(' )', ')');
    }
  };
  return s(node);
}

describe('parseExpression', () => {
  it.each([
    ['a = 1 || b = 2 && c = 3', '(|| (= a 1) (&& (= b 2) (= c 3)))'],
    ['a && b && c', '(&& a b c)'],
    ['!a = 1', '(! (= a 1))'],
    ['!!a', '(! (! a))'],
    ['1 + 2 * 3 = 7', '(= (+ 1 (* 2 3)) 7)'],
    ['(1 + 2) * 3 > x', '(> (* (+ 1 2) 3) x)'],
    ['a - b - c = 0', '(= (- (- a b) c) 0)'],
    ['-a * b < 0', '(< (* (neg a) b) 0)'],
    ['price > -5', '(> price -5)'],
    ['- -5 = 5', '(= 5 5)'],
    ['x % 2 = 1 / 2', '(= (% x 2) (/ 1 2))'],
    ["status in ('a', \"b\")", '(in status "a" "b")'],
    ['x IS NULL', '(null x)'],
    ['x is not null', '(not-null x)'],
    ['x Is NoT nUlL', '(not-null x)'],
    ['TRUE = false', '(= true false)'],
    ['NULL IS NULL', '(null null)'],
    ['@request.auth.id = created_by', '(= @request.auth.id created_by)'],
    ["title ~ 'a%'", '(~ title "a%")'],
    ["@has_role('admin')", '(@has_role "admin")'],
    ['@owns_record()', '(@owns_record)'],
    ['lower(a) = upper(b)', '(= (lower a) (upper b))'],
    ["s = 'it\\'s'", `(= s "it's")`],
    ['s = "say \\"hi\\""', '(= s "say \\"hi\\"")'],
    ["s = 'a\\\\b'", '(= s "a\\\\b")'],
    ["s = 'a\\nb'", '(= s "a\\\\nb")'],
    ['1.5 = 1.50', '(= 1.5 1.5)'],
  ])('%s', (text, expected) => {
    expect(show(text)).toBe(expected);
  });

  it('records positions', () => {
    const node = parseExpression('  a = 1 && b');
    expect(node.position).toBe(2);
    expect(node.kind === 'logical' && node.operands[1].position).toBe(11);
  });

  it('returns frozen nodes', () => {
    const node = parseExpression('a = 1 && b IN (1, 2)');
    expect(Object.isFrozen(node)).toBe(true);
    expect(node.kind === 'logical' && Object.isFrozen(node.operands)).toBe(true);
  });
});

describe('parseExpression errors', () => {
  it.each([
    ['(status = 1', 'Expected RPAREN, found EOF at position 11', 11, 'RPAREN', 'EOF'],
    ['', 'Expected expression, found EOF at position 0', 0, 'expression', 'EOF'],
    ['a = ', 'Expected expression, found EOF at position 4', 4, 'expression', 'EOF'],
    ['a = 1 b', "Unexpected token IDENTIFIER 'b' after expression at position 6", 6, 'EOF', 'IDENTIFIER'],
    ['1=1) OR (1=1', "Unexpected token RPAREN ')' after expression at position 3", 3, 'EOF', 'RPAREN'],
    ['a & b', "Unexpected character '&'. Did you mean '&&'? at position 2", 2, '&&', '&'],
    ['a | b', "Unexpected character '|'. Did you mean '||'? at position 2", 2, '||', '|'],
    ['a = #', "Invalid character '#' at position 4", 4, 'a token', '#'],
    ['a = 1; drop', "Invalid character ';' at position 5", 5, 'a token', ';'],
    ["a = 'open", 'Unterminated string starting at position 4', 4, 'STRING', 'EOF'],
    ['a = 1 = 2', "Comparisons cannot be chained; combine them with && (found EQ '=') at position 6", 6, 'AND', 'EQ'],
    ['a IS 1', "Expected NULL, found NUMBER '1' at position 5", 5, 'NULL', 'NUMBER'],
    ['a IN 1', "Expected LPAREN, found NUMBER '1' at position 5", 5, 'LPAREN', 'NUMBER'],
    ['a IN ()', "Expected expression, found RPAREN ')' at position 6", 6, 'expression', 'RPAREN'],
    ['f(a,)', "Expected expression, found RPAREN ')' at position 4", 4, 'expression', 'RPAREN'],
    ['not a', "Expected expression, found NOT 'not' at position 0", 0, 'expression', 'NOT'],
    ['a == 1', "Expected expression, found EQ '=' at position 3", 3, 'expression', 'EQ'],
    ['1. = 1', "Invalid character '.' at position 1", 1, 'a token', '.'],
    ['a = 1 /* x */', "Expected expression, found STAR '*' at position 7", 7, 'expression', 'STAR'],
    ["a = 'x\0'", "Invalid character '\\u0000' at position 6", 6, 'a token', '\\u0000'],
  ])('%j → %s', (text, message, position, expected, found) => {
    const error = captureError(() => parseExpression(text));
    expect(error).toBeInstanceOf(RuleSyntaxError);
    expect(error).toMatchObject({ message, position, expected, found, code: 'syntax_error' });
  });

  it.each([
    ['x'.repeat(4097), {}, 'expression_too_long', 'Expression is longer than 4096 characters at position 4096'],
    ['a = 1 && b = 2', { maxLength: 5 }, 'expression_too_long', 'Expression is longer than 5 characters at position 5'],
    ['((((a))))', { maxDepth: 3 }, 'nesting_too_deep', 'Expression is nested deeper than 3 levels at position 3'],
    ['!!!!a', { maxDepth: 2 }, 'nesting_too_deep', 'Expression is nested deeper than 2 levels at position 2'],
    ['a + b + c', { maxNodes: 4 }, 'too_many_nodes', 'Expression has more than 4 nodes at position 0'],
  ])('limit %#', (text, limits, code, message) => {
    const error = captureError(() => parseExpression(text, limits));
    expect(error).toBeInstanceOf(RuleLimitError);
    expect(error).toMatchObject({ code, message });
  });

  it('rejects invalid limits', () => {
    expect(() => parseExpression('a', { maxDepth: 0 })).toThrow(RangeError);
  });
});

function captureError(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}
