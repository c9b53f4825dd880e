import {
  freezeNode,
  type ArithmeticOperator,
  type ComparisonOperator,
  type ExpressionNode,
  type LogicalOperator,
} from '../ast/expression-node';
import { RuleLimitError } from '../errors/rule-limit-error';
import { RuleSyntaxError } from '../errors/rule-syntax-error';
import { resolveParseLimits, type ParseLimits } from './parse-limits';
import type { Token, TokenKind } from './token';
import { tokenize } from './tokenize';

const COMPARISONS: Partial<Record<TokenKind, ComparisonOperator>> = {
  EQ: '=',
  NEQ: '!=',
  LT: '<',
  GT: '>',
  LTE: '<=',
  GTE: '>=',
  LIKE: '~',
};
const ADDITIVE: Partial<Record<TokenKind, ArithmeticOperator>> = { PLUS: '+', MINUS: '-' };
const MULTIPLICATIVE: Partial<Record<TokenKind, ArithmeticOperator>> = { STAR: '*', SLASH: '/', PERCENT: '%' };

/**
 * Parses an expression (grammar of spec §5.2) into an immutable AST.
 * @example parseExpression("status = 'published' && created_by = @request.auth.id")
 * @throws {RuleSyntaxError} when the text is not an expression (message like
 *   `Expected RPAREN, found EOF at position 12`).
 * @throws {RuleLimitError} when the text exceeds a {@link ParseLimits} bound.
 */
export function parseExpression(text: string, limits?: Partial<ParseLimits>): ExpressionNode {
  const bounds = resolveParseLimits(limits);
  if (text.length > bounds.maxLength) throw new RuleLimitError('expression_too_long', bounds.maxLength, bounds.maxLength);
  return new Parser(tokenize(text), bounds).parseRoot();
}

class Parser {
  private index = 0;
  private depth = 0;
  private nodes = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly limits: ParseLimits,
  ) {}

  parseRoot(): ExpressionNode {
    const node = this.parseOr();
    const next = this.peek();
    if (next.kind !== 'EOF') {
      throw new RuleSyntaxError(`Unexpected token ${describe(next)} after expression`, next.position, 'EOF', next.kind);
    }
    return node;
  }

  private parseOr(): ExpressionNode {
    return this.parseLogical('OR', '||', () => this.parseAnd());
  }

  private parseAnd(): ExpressionNode {
    return this.parseLogical('AND', '&&', () => this.parseNot());
  }

  private parseLogical(kind: TokenKind, operator: LogicalOperator, next: () => ExpressionNode): ExpressionNode {
    const first = next();
    if (this.peek().kind !== kind) return first;
    const operands = [first];
    while (this.peek().kind === kind) {
      this.advance();
      operands.push(next());
    }
    return this.make({ kind: 'logical', operator, operands, position: first.position });
  }

  private parseNot(): ExpressionNode {
    const bang = this.peek();
    if (bang.kind !== 'BANG') return this.parseComparison();
    this.advance();
    const operand = this.nested(bang.position, () => this.parseNot());
    return this.make({ kind: 'not', operand, position: bang.position });
  }

  private parseComparison(): ExpressionNode {
    const left = this.parseAdditive();
    const token = this.peek();
    let node: ExpressionNode;
    const operator = COMPARISONS[token.kind];
    if (operator) {
      this.advance();
      node = this.make({ kind: 'comparison', operator, left, right: this.parseAdditive(), position: left.position });
    } else if (token.kind === 'IN') {
      node = this.parseIn(left);
    } else if (token.kind === 'IS') {
      this.advance();
      const negated = this.peek().kind === 'NOT';
      if (negated) this.advance();
      this.expect('NULL');
      node = this.make({ kind: 'is-null', operand: left, negated, position: left.position });
    } else {
      return left;
    }
    const after = this.peek();
    if (COMPARISONS[after.kind] || after.kind === 'IN' || after.kind === 'IS') {
      throw new RuleSyntaxError(
        `Comparisons cannot be chained; combine them with && (found ${describe(after)})`,
        after.position,
        'AND',
        after.kind,
      );
    }
    return node;
  }

  private parseIn(operand: ExpressionNode): ExpressionNode {
    this.advance();
    const open = this.expect('LPAREN');
    const values = this.nested(open.position, () => this.parseList(() => this.parseAdditive()));
    this.expect('RPAREN');
    return this.make({ kind: 'in', operand, values, position: operand.position });
  }

  private parseAdditive(): ExpressionNode {
    return this.parseBinary(ADDITIVE, () => this.parseMultiplicative());
  }

  private parseMultiplicative(): ExpressionNode {
    return this.parseBinary(MULTIPLICATIVE, () => this.parseAtom());
  }

  private parseBinary(ops: Partial<Record<TokenKind, ArithmeticOperator>>, next: () => ExpressionNode): ExpressionNode {
    let left = next();
    for (let op = ops[this.peek().kind]; op; op = ops[this.peek().kind]) {
      this.advance();
      left = this.make({ kind: 'arithmetic', operator: op, left, right: next(), position: left.position });
    }
    return left;
  }

  private parseAtom(): ExpressionNode {
    const token = this.peek();
    switch (token.kind) {
      case 'NUMBER':
      case 'STRING':
        this.advance();
        return this.make({ kind: 'literal', value: token.value, position: token.position });
      case 'TRUE':
      case 'FALSE':
        this.advance();
        return this.make({ kind: 'literal', value: token.kind === 'TRUE', position: token.position });
      case 'NULL':
        this.advance();
        return this.make({ kind: 'literal', value: null, position: token.position });
      case 'MINUS':
        return this.parseNegate(token);
      case 'LPAREN': {
        this.advance();
        const inner = this.nested(token.position, () => this.parseOr());
        this.expect('RPAREN');
        return inner;
      }
      case 'IDENTIFIER':
        return this.parseIdentifier(token);
      default:
        throw new RuleSyntaxError(`Expected expression, found ${describe(token)}`, token.position, 'expression', token.kind);
    }
  }

  private parseNegate(minus: Token): ExpressionNode {
    this.advance();
    const operand = this.nested(minus.position, () => this.parseAtom());
    if (operand.kind === 'literal' && typeof operand.value === 'number') {
      // Fold `-5` into a literal so it binds as one parameter (keeps the SQL free of `--`).
      return freezeNode({ kind: 'literal', value: -operand.value, position: minus.position });
    }
    return this.make({ kind: 'negate', operand, position: minus.position });
  }

  private parseIdentifier(token: Token): ExpressionNode {
    this.advance();
    const name = token.text;
    if (this.peek().kind !== 'LPAREN') return this.make({ kind: 'identifier', name, position: token.position });
    const open = this.advance();
    const args = this.peek().kind === 'RPAREN' ? [] : this.nested(open.position, () => this.parseList(() => this.parseOr()));
    this.expect('RPAREN');
    return this.make({ kind: 'call', name, args, position: token.position });
  }

  private parseList(item: () => ExpressionNode): ExpressionNode[] {
    const items = [item()];
    while (this.peek().kind === 'COMMA') {
      this.advance();
      items.push(item());
    }
    return items;
  }

  /** Runs `parse` one nesting level deeper; `at` is the position of the token opening the level. */
  private nested<T>(at: number, parse: () => T): T {
    if (++this.depth > this.limits.maxDepth) {
      throw new RuleLimitError('nesting_too_deep', this.limits.maxDepth, at);
    }
    const result = parse();
    this.depth--;
    return result;
  }

  private make(node: ExpressionNode): ExpressionNode {
    if (++this.nodes > this.limits.maxNodes) {
      throw new RuleLimitError('too_many_nodes', this.limits.maxNodes, node.position);
    }
    return freezeNode(node);
  }

  private expect(kind: TokenKind): Token {
    const token = this.peek();
    if (token.kind !== kind) {
      throw new RuleSyntaxError(`Expected ${kind}, found ${describe(token)}`, token.position, kind, token.kind);
    }
    return this.advance();
  }

  private peek(): Token {
    return this.tokens[this.index];
  }

  private advance(): Token {
    return this.tokens[this.index++];
  }
}

function describe(token: Token): string {
  if (token.kind === 'EOF') return 'EOF';
  return `${token.kind} '${token.text.length > 32 ? `${token.text.slice(0, 32)}…` : token.text}'`;
}
