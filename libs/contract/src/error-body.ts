import type { ErrorCode } from './error-code';

/** One problem inside a validation error: which field, what is wrong, a machine code. */
export interface ErrorDetail {
  readonly field?: string;
  readonly message: string;
  readonly code?: string;
}

/**
 * The one error body of every non-2xx response (spec/DECISIONS.md "One error body").
 * @example { "error": "Not found", "message": "Record not found", "code": "not_found", "request_id": "cid_ab12cd34ef56" }
 */
export interface ErrorBody {
  readonly error: string;
  readonly message: string;
  readonly code: ErrorCode;
  readonly details?: readonly ErrorDetail[];
  readonly request_id?: string;
  readonly [extra: string]: unknown;
}

/** JSON Schema of {@link ErrorBody}, used in the OpenAPI document. */
export const errorBodySchema = {
  $id: 'ErrorBody',
  type: 'object',
  required: ['error', 'message', 'code'],
  properties: {
    error: { type: 'string', description: 'Short title' },
    message: { type: 'string', description: 'Human-readable text' },
    code: { type: 'string', description: 'Stable snake_case machine code' },
    details: {
      type: 'array',
      items: {
        type: 'object',
        required: ['message'],
        properties: { field: { type: 'string' }, message: { type: 'string' }, code: { type: 'string' } },
      },
    },
    request_id: { type: 'string', description: 'The X-Correlation-ID of the request' },
  },
} as const;
