/** Token kinds of the expression language; the names appear in syntax error messages. */
export type TokenKind =
  | 'NUMBER'
  | 'STRING'
  | 'IDENTIFIER'
  | 'TRUE'
  | 'FALSE'
  | 'NULL'
  | 'IN'
  | 'IS'
  | 'NOT'
  | 'LPAREN'
  | 'RPAREN'
  | 'COMMA'
  | 'EQ'
  | 'NEQ'
  | 'LT'
  | 'GT'
  | 'LTE'
  | 'GTE'
  | 'LIKE'
  | 'AND'
  | 'OR'
  | 'BANG'
  | 'PLUS'
  | 'MINUS'
  | 'STAR'
  | 'SLASH'
  | 'PERCENT'
  | 'EOF';

/** One lexical token: its kind, its decoded value (strings unescaped, numbers parsed) and offset. */
export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly value: string | number | null;
  readonly position: number;
}
