import { RuleSyntaxError } from '../errors/rule-syntax-error';
import type { Token, TokenKind } from './token';

const KEYWORDS: ReadonlyMap<string, TokenKind> = new Map<string, TokenKind>([
  ['true', 'TRUE'],
  ['false', 'FALSE'],
  ['null', 'NULL'],
  ['in', 'IN'],
  ['is', 'IS'],
  ['not', 'NOT'],
]);

const TWO_CHAR: ReadonlyMap<string, TokenKind> = new Map<string, TokenKind>([
  ['&&', 'AND'],
  ['||', 'OR'],
  ['!=', 'NEQ'],
  ['<=', 'LTE'],
  ['>=', 'GTE'],
]);

const ONE_CHAR: ReadonlyMap<string, TokenKind> = new Map<string, TokenKind>([
  ['(', 'LPAREN'],
  [')', 'RPAREN'],
  [',', 'COMMA'],
  ['=', 'EQ'],
  ['<', 'LT'],
  ['>', 'GT'],
  ['~', 'LIKE'],
  ['!', 'BANG'],
  ['+', 'PLUS'],
  ['-', 'MINUS'],
  ['*', 'STAR'],
  ['/', 'SLASH'],
  ['%', 'PERCENT'],
]);

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isLetter = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isIdentStart = (c: string): boolean => isLetter(c) || c === '_' || c === '@';
const isIdentPart = (c: string): boolean => isIdentStart(c) || isDigit(c) || c === '.';
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/**
 * Splits an expression into tokens (ending with an `EOF` token). Keywords are case-insensitive;
 * identifiers may contain `.` and `@` (`@request.auth.id` is one token). Strings use `'…'` or
 * `"…"` with the escapes `\'`, `\"`, `\\` (any other backslash is kept literally).
 * @throws {RuleSyntaxError} on an unknown character, a lone `&`/`|`, an unterminated string or a
 *   number that does not fit a double.
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (isSpace(c)) {
      i++;
    } else if (isDigit(c)) {
      i = readNumber(text, i, tokens);
    } else if (c === '"' || c === "'") {
      i = readString(text, i, tokens);
    } else if (isIdentStart(c)) {
      let end = i + 1;
      while (end < text.length && isIdentPart(text[end])) end++;
      const word = text.slice(i, end);
      tokens.push({ kind: KEYWORDS.get(word.toLowerCase()) ?? 'IDENTIFIER', text: word, value: word, position: i });
      i = end;
    } else {
      i = readOperator(text, i, tokens);
    }
  }
  tokens.push({ kind: 'EOF', text: '', value: null, position: text.length });
  return tokens;
}

function readNumber(text: string, start: number, tokens: Token[]): number {
  let end = start;
  while (end < text.length && isDigit(text[end])) end++;
  if (text[end] === '.' && isDigit(text[end + 1] ?? '')) {
    end++;
    while (end < text.length && isDigit(text[end])) end++;
  }
  const raw = text.slice(start, end);
  const value = Number(raw);
  if (!Number.isFinite(value)) {
    throw new RuleSyntaxError(`Number out of range`, start, 'NUMBER', raw.slice(0, 20));
  }
  tokens.push({ kind: 'NUMBER', text: raw, value, position: start });
  return end;
}

function readString(text: string, start: number, tokens: Token[]): number {
  const quote = text[start];
  let value = '';
  let i = start + 1;
  while (i < text.length && text[i] !== quote) {
    const c = text[i];
    if (c === '\0') throw invalidCharacter(c, i);
    if (c === '\\' && i + 1 < text.length) {
      const next = text[i + 1];
      // Only the quote characters and the backslash are escapes; `\n` stays two characters.
      value += next === '"' || next === "'" || next === '\\' ? next : c + next;
      i += 2;
    } else {
      value += c;
      i++;
    }
  }
  if (i >= text.length) {
    throw new RuleSyntaxError(`Unterminated string starting`, start, 'STRING', 'EOF');
  }
  tokens.push({ kind: 'STRING', text: text.slice(start, i + 1), value, position: start });
  return i + 1;
}

function readOperator(text: string, start: number, tokens: Token[]): number {
  const pair = text.slice(start, start + 2);
  const two = TWO_CHAR.get(pair);
  if (two) {
    tokens.push({ kind: two, text: pair, value: null, position: start });
    return start + 2;
  }
  const c = text[start];
  if (c === '&' || c === '|') {
    throw new RuleSyntaxError(`Unexpected character '${c}'. Did you mean '${c}${c}'?`, start, c + c, c);
  }
  const one = ONE_CHAR.get(c);
  if (!one) throw invalidCharacter(text.codePointAt(start) ?? 0, start);
  tokens.push({ kind: one, text: c, value: null, position: start });
  return start + 1;
}

function invalidCharacter(c: string | number, position: number): RuleSyntaxError {
  const code = typeof c === 'number' ? c : (c.codePointAt(0) ?? 0);
  const shown = code < 0x20 || code === 0x7f ? `\\u${code.toString(16).padStart(4, '0')}` : String.fromCodePoint(code);
  return new RuleSyntaxError(`Invalid character '${shown}'`, position, 'a token', shown);
}
