/** Superadmin accounts API schemas (spec §10.1). */
export const accountListQuerySchema = {
  $id: 'AccountListQuery',
  type: 'object',
  properties: {
    page: { type: 'string', pattern: '^[1-9][0-9]{0,6}$' },
    page_size: { type: 'string', pattern: '^([1-9]|[1-9][0-9]|100)$' },
    sort_by: { enum: ['id', 'slug', 'name', 'created_at', 'account_code'] },
    sort_order: { enum: ['asc', 'desc'] },
    search: { type: 'string', maxLength: 255 },
  },
} as const;

export const createAccountRequestSchema = {
  $id: 'CreateAccountRequest',
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 255 }, slug: { type: 'string', minLength: 3, maxLength: 32 } },
} as const;

export const updateAccountRequestSchema = {
  $id: 'UpdateAccountRequest',
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 255 } },
} as const;

export const pageQuerySchema = {
  $id: 'PageQuery',
  type: 'object',
  properties: { page: { type: 'string', pattern: '^[1-9][0-9]{0,6}$' }, page_size: { type: 'string', pattern: '^([1-9]|[1-9][0-9]|100)$' } },
} as const;

export const accountDetailSchema = {
  $id: 'AccountDetail',
  type: 'object',
  required: ['id', 'account_code', 'slug', 'name', 'created_at', 'updated_at', 'user_count'],
  properties: {
    id: { type: 'string' },
    account_code: { type: 'string' },
    slug: { type: 'string' },
    name: { type: 'string' },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
    user_count: { type: 'integer' },
    collections_used: { type: 'array', items: { type: 'string' } },
  },
} as const;
