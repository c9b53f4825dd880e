import type { Request } from 'express';
import { invalidRequest } from '@snackbase/core';

/**
 * `:id` as the integer id of a role or macro (serial ids); anything else is a 422 naming
 * `path.<field>`, as the reference's typed path parameter. At most nine digits, so the number is
 * always a safe integer and fits the column.
 */
export function integerIdParam(req: Request, field: string): number {
  const raw = String(req.params['id'] ?? '');
  if (!/^[0-9]{1,9}$/.test(raw)) throw invalidRequest([{ field: `path.${field}`, message: 'must be an integer', code: 'type' }]);
  return Number(raw);
}
