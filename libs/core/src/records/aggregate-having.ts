import { AppError } from '../errors';

/** A `having` condition (spec §4.11) as a tree of comparisons of aggregate aliases with values. */
export type HavingNode =
  | { readonly kind: 'and' | 'or'; readonly operands: readonly HavingNode[] }
  | { readonly kind: 'compare'; readonly alias: string; readonly op: HavingOperator; readonly value: number | string };

export type HavingOperator = '=' | '!=' | '<' | '>' | '<=' | '>=';

type Token =
  | { readonly t: 'lparen' | 'rparen' | 'and' | 'or' | 'end'; readonly at: number }
  | { readonly t: 'op'; readonly v: HavingOperator; readonly at: number }
  | { readonly t: 'alias'; readonly v: string; readonly at: number }
  | { readonly t: 'number'; readonly v: number; readonly at: number }
  | { readonly t: 'string'; readonly v: string; readonly at: number };

const MAX_LENGTH = 1000;
const MAX_DEPTH = 20;

export function invalidHaving(message: string): AppError {
  return new AppError(400, 'invalid_aggregation', 'Invalid having expression', message);
}

/**
 * Tokens of the having language. An alias is written as the alias (`sum_price`, `count`) or in
 * call form (`sum(price)`, `count()`), which becomes the same alias.
 */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re =
    /\s*(?:(\()|(\))|(&&|\|\||\bAND\b|\bOR\b)|(!=|<=|>=|=|<|>)|([A-Za-z_][A-Za-z0-9_]*)\s*(?:\(\s*([A-Za-z_][A-Za-z0-9_]*)?\s*\))?|(-?\d+(?:\.\d+)?)|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/iy;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) throw invalidHaving(`Unexpected character at position ${at + (/^\s*/.exec(text.slice(at))?.[0].length ?? 0)}`);
    const pos = at + (m[0].length - m[0].trimStart().length);
    if (m[1]) tokens.push({ t: 'lparen', at: pos });
    else if (m[2]) tokens.push({ t: 'rparen', at: pos });
    else if (m[3]) tokens.push({ t: /^(&&|and)$/i.test(m[3]) ? 'and' : 'or', at: pos });
    else if (m[4]) tokens.push({ t: 'op', v: m[4] as HavingOperator, at: pos });
    else if (m[5]) {
      const called = m[0].includes('(');
      const name = m[5].toLowerCase();
      tokens.push({ t: 'alias', v: called ? (m[6] ? `${name}_${m[6]}` : name) : m[5], at: pos });
    } else if (m[7]) tokens.push({ t: 'number', v: Number(m[7]), at: pos });
    else tokens.push({ t: 'string', v: (m[8] ?? m[9] ?? '').replace(/\\(.)/g, '$1'), at: pos });
    at = re.lastIndex;
  }
  tokens.push({ t: 'end', at: text.length });
  return tokens;
}

/** Parses `having`; `aliases` are the aggregates of the request (anything else is a 400). */
export function parseHaving(text: string, aliases: ReadonlySet<string>): HavingNode {
  if (text.length > MAX_LENGTH) throw invalidHaving(`Having expression is longer than ${MAX_LENGTH} characters`);
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const describe = (tok: Token) => (tok.t === 'end' ? 'end of expression' : `'${text.slice(tok.at, tok.at + 12).trim()}'`);

  const expr = (depth: number): HavingNode => {
    if (depth > MAX_DEPTH) throw invalidHaving('Having expression is nested too deeply');
    const operands = [and(depth)];
    while (peek().t === 'or') {
      i++;
      operands.push(and(depth));
    }
    return operands.length === 1 ? operands[0] : { kind: 'or', operands };
  };
  const and = (depth: number): HavingNode => {
    const operands = [cmp(depth)];
    while (peek().t === 'and') {
      i++;
      operands.push(cmp(depth));
    }
    return operands.length === 1 ? operands[0] : { kind: 'and', operands };
  };
  const cmp = (depth: number): HavingNode => {
    const tok = tokens[i++];
    if (tok.t === 'lparen') {
      const inner = expr(depth + 1);
      const close = tokens[i++];
      if (close.t !== 'rparen') throw invalidHaving(`Expected ')' at position ${close.at}, found ${describe(close)}`);
      return inner;
    }
    if (tok.t !== 'alias') throw invalidHaving(`Expected an aggregate at position ${tok.at}, found ${describe(tok)}`);
    if (!aliases.has(tok.v)) throw invalidHaving(`Unknown aggregate '${tok.v.slice(0, 64)}' at position ${tok.at}; available: ${[...aliases].join(', ')}`);
    const op = tokens[i++];
    if (op.t !== 'op') throw invalidHaving(`Expected a comparison operator at position ${op.at}, found ${describe(op)}`);
    const value = tokens[i++];
    if (value.t !== 'number' && value.t !== 'string') throw invalidHaving(`Expected a number or a quoted string at position ${value.at}, found ${describe(value)}`);
    return { kind: 'compare', alias: tok.v, op: op.v, value: value.v };
  };

  const root = expr(0);
  if (peek().t !== 'end') throw invalidHaving(`Unexpected ${describe(peek())} at position ${peek().at}`);
  return root;
}
