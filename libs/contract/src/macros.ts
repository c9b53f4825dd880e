/**
 * Macros API request/response schemas (spec §5.5 b). Our macros are rule-language expressions
 * (§12.2 item 19 fixed): `sql_query` keeps the reference's key but holds the expression text,
 * `parameters` the names the expression uses for its arguments. Unknown keys are ignored.
 */

const IDENTIFIER = '^[A-Za-z][A-Za-z0-9_]{0,63}$';
const scalar = { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'null' }] } as const;

export const createMacroRequestSchema = {
  $id: 'MacroCreate',
  type: 'object',
  required: ['name', 'sql_query'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100, description: 'Called in rules as @name(...)' },
    description: { type: ['string', 'null'], maxLength: 2000 },
    sql_query: { type: 'string', minLength: 1, maxLength: 10000, description: 'The body: an expression in the rule language' },
    parameters: { type: 'array', maxItems: 8, items: { type: 'string', pattern: IDENTIFIER }, description: 'Parameter names used in the body' },
  },
} as const;

export const updateMacroRequestSchema = {
  $id: 'MacroUpdate',
  type: 'object',
  properties: createMacroRequestSchema.properties,
} as const;

export const testMacroRequestSchema = {
  $id: 'MacroTest',
  type: 'object',
  properties: {
    parameters: { type: 'array', maxItems: 8, items: scalar, description: 'Argument values, one per parameter' },
    collection: { type: 'string', minLength: 1, maxLength: 64, description: 'Evaluate against a record of this collection' },
    record_id: { type: 'string', minLength: 1, maxLength: 36 },
    user_id: { type: 'string', minLength: 1, maxLength: 36, description: 'Evaluate as this user (default: anonymous)' },
    account_id: { type: 'string', minLength: 1, maxLength: 36, description: 'The account of the record and the user' },
  },
} as const;

/** `GET /macros?skip&limit`: query values arrive as strings. */
export const listMacrosQuerySchema = {
  type: 'object',
  properties: {
    skip: { type: 'string', pattern: '^[0-9]{1,9}$', description: 'Rows to skip (default 0)' },
    limit: { type: 'string', pattern: '^[0-9]{1,9}$', description: 'Rows to return (default 100, at most 1000)' },
  },
} as const;

const macroProperties = {
  id: { type: 'integer' },
  name: { type: 'string' },
  description: { type: ['string', 'null'] },
  sql_query: { type: 'string' },
  parameters: { type: 'array', items: { type: 'string' } },
  created_at: { type: 'string' },
  updated_at: { type: 'string' },
  created_by: { type: ['string', 'null'] },
} as const;
const macroRequired = ['id', 'name', 'description', 'sql_query', 'parameters', 'created_at', 'updated_at', 'created_by'] as const;

export const macroResponseSchema = { $id: 'MacroResponse', type: 'object', required: macroRequired, properties: macroProperties } as const;

export const macroListResponseSchema = {
  $id: 'MacroList',
  type: 'array',
  items: { type: 'object', required: macroRequired, properties: macroProperties },
} as const;

export const macroTestResponseSchema = {
  $id: 'MacroTestResponse',
  type: 'object',
  required: ['result', 'expanded', 'execution_time', 'rows_affected'],
  properties: {
    result: { type: ['boolean', 'null'], description: 'TRUE, FALSE or UNKNOWN (null); null also when no record was given' },
    expanded: { type: 'string', description: 'The expression after macro expansion' },
    execution_time: { type: 'number', description: 'Milliseconds' },
    rows_affected: { type: 'integer' },
  },
} as const;

/** A stored macro (the reference's MacroResponse). */
export interface MacroResponse {
  readonly id: number;
  readonly name: string;
  readonly description: string | null;
  /** The expression text. */
  readonly sql_query: string;
  readonly parameters: readonly string[];
  readonly created_at: string;
  readonly updated_at: string;
  readonly created_by: string | null;
}

/** `POST /macros/{id}/test`. */
export interface MacroTestResponse {
  readonly result: boolean | null;
  readonly expanded: string;
  readonly execution_time: number;
  readonly rows_affected: number;
}
