import type { ComparisonOperator } from '../ast/expression-node';
import type { FieldType } from '../resolver/field-type';

/** An operator subject to the field-type matrix: a comparison, `IN` or `IS [NOT] NULL`. */
export type MatrixOperator = ComparisonOperator | 'IN' | 'IS NULL';

const ALL: readonly MatrixOperator[] = ['=', '!=', '<', '>', '<=', '>=', '~', 'IN', 'IS NULL'];
const NO_LIKE: readonly MatrixOperator[] = ['=', '!=', '<', '>', '<=', '>=', 'IN', 'IS NULL'];

/** Which operators each field type accepts (spec §4.6), applied to fields on either side. */
export const OPERATOR_MATRIX: Readonly<Record<FieldType, readonly MatrixOperator[]>> = {
  text: ALL,
  email: ALL,
  url: ALL,
  file: ALL,
  number: NO_LIKE,
  date: NO_LIKE,
  datetime: NO_LIKE,
  boolean: ['=', '!=', 'IS NULL'],
  reference: ['=', '!=', 'IN', 'IS NULL'],
  json: ['IS NULL'],
};

/** Whether a field of `type` may be used with `operator`. */
export function isOperatorAllowed(type: FieldType, operator: MatrixOperator): boolean {
  return OPERATOR_MATRIX[type].includes(operator);
}
