import type { ExpressionNode, LiteralValue } from '@snackbase/rules';

/**
 * An expression AST back as rule-language text, for showing what a macro expands to. Every
 * compound operand is parenthesised, so the text re-parses to the same tree without having to
 * reason about precedence.
 */
export function formatExpression(node: ExpressionNode): string {
  switch (node.kind) {
    case 'literal':
      return formatLiteral(node.value);
    case 'identifier':
      return node.name;
    case 'negate':
      return `-${operand(node.operand)}`;
    case 'not':
      return `!${operand(node.operand)}`;
    case 'arithmetic':
    case 'comparison':
      return `${operand(node.left)} ${node.operator} ${operand(node.right)}`;
    case 'logical':
      return node.operands.map(operand).join(` ${node.operator} `);
    case 'in':
      return `${operand(node.operand)} IN (${node.values.map(formatExpression).join(', ')})`;
    case 'is-null':
      return `${operand(node.operand)} IS ${node.negated ? 'NOT ' : ''}NULL`;
    case 'call':
      return `${node.name}(${node.args.map(formatExpression).join(', ')})`;
  }
}

function operand(node: ExpressionNode): string {
  const text = formatExpression(node);
  return node.kind === 'literal' || node.kind === 'identifier' || node.kind === 'call' ? text : `(${text})`;
}

function formatLiteral(value: LiteralValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return String(value);
}
