/**
 * Superadmin API-key schemas (spec §2.7). The plaintext key appears once, in the create answer;
 * lists and details carry a masked form computed from the stored hash, never the hash itself.
 */

export const createApiKeyRequestSchema = {
  $id: 'ApiKeyCreate',
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 3, maxLength: 100, pattern: '\\S' },
    expires_at: { type: ['string', 'null'], minLength: 1, maxLength: 64, description: 'When the key stops working (ISO-8601 date-time, UTC when no zone, in the future); null or absent = never' },
  },
} as const;

export const apiKeyCreatedResponseSchema = {
  $id: 'ApiKeyCreated',
  type: 'object',
  required: ['id', 'name', 'key', 'expires_at', 'created_at'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    key: { type: 'string', description: 'The plaintext key (`sb_ak.…`); shown only in this answer' },
    expires_at: { type: ['string', 'null'] },
    created_at: { type: 'string' },
  },
} as const;

const apiKeyProperties = {
  id: { type: 'string' },
  name: { type: 'string' },
  key: { type: 'string', description: 'Masked (`abcdef...1234`), from the stored hash' },
  last_used_at: { type: ['string', 'null'] },
  expires_at: { type: ['string', 'null'] },
  is_active: { type: 'boolean' },
  created_at: { type: 'string' },
} as const;
const apiKeyRequired = ['id', 'name', 'key', 'last_used_at', 'expires_at', 'is_active', 'created_at'] as const;

export const apiKeyListResponseSchema = {
  $id: 'ApiKeyList',
  type: 'object',
  required: ['items', 'total'],
  properties: {
    items: { type: 'array', items: { type: 'object', required: apiKeyRequired, properties: apiKeyProperties } },
    total: { type: 'integer' },
  },
} as const;

export const apiKeyDetailResponseSchema = {
  $id: 'ApiKeyDetail',
  type: 'object',
  required: [...apiKeyRequired, 'updated_at'],
  properties: { ...apiKeyProperties, updated_at: { type: 'string' } },
} as const;

/** `POST /admin/api-keys` answer: the only time the plaintext key is shown. */
export interface ApiKeyCreatedResponse {
  readonly id: string;
  readonly name: string;
  readonly key: string;
  readonly expires_at: string | null;
  readonly created_at: string;
}

/** One key in `GET /admin/api-keys`. */
export interface ApiKeyListItem {
  readonly id: string;
  readonly name: string;
  readonly key: string;
  readonly last_used_at: string | null;
  readonly expires_at: string | null;
  readonly is_active: boolean;
  readonly created_at: string;
}

/** `GET /admin/api-keys/{id}`. */
export interface ApiKeyDetailResponse extends ApiKeyListItem {
  readonly updated_at: string;
}

/** `GET /admin/api-keys`. */
export interface ApiKeyListResponse {
  readonly items: readonly ApiKeyListItem[];
  readonly total: number;
}
