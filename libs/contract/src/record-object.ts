/**
 * The one record object shape: the system fields every record carries, plus the
 * collection's own fields (any keys, as collections differ). Writes answer it as is; reads add
 * list-only keys to it.
 */
export const recordObject = {
  type: 'object',
  required: ['id', 'account_id', 'created_at', 'created_by', 'updated_at', 'updated_by'],
  properties: {
    id: { type: 'string' },
    account_id: { type: 'string' },
    created_at: { type: 'string', description: 'ISO-8601 UTC' },
    created_by: { type: 'string', description: 'User id or `anonymous`' },
    updated_at: { type: 'string', description: 'ISO-8601 UTC' },
    updated_by: { type: 'string' },
  },
  additionalProperties: true,
} as const;
