/**
 * Auth request/response schemas (spec §2.3–2.5, §2.12). Unknown keys in request bodies are
 * ignored, as the reference does (spec/DECISIONS.md).
 */
export const loginRequestSchema = {
  $id: 'LoginRequest',
  type: 'object',
  required: ['email', 'password'],
  properties: {
    account: { type: 'string', minLength: 1, maxLength: 255, description: 'Account code (XX####) or slug; optional in single-tenant mode' },
    email: { type: 'string', minLength: 3, maxLength: 255, pattern: '^[^\\s@]+@[^\\s@]+$' },
    password: { type: 'string', minLength: 1, maxLength: 1024 },
  },
} as const;

export const refreshRequestSchema = {
  $id: 'RefreshRequest',
  type: 'object',
  required: ['refresh_token'],
  properties: { refresh_token: { type: 'string', minLength: 1, maxLength: 4096 } },
} as const;

export const logoutRequestSchema = {
  $id: 'LogoutRequest',
  type: 'object',
  properties: { refresh_token: { type: 'string', minLength: 1, maxLength: 4096 } },
} as const;

export const tokenPairResponseSchema = {
  $id: 'TokenPairResponse',
  type: 'object',
  required: ['token', 'refresh_token', 'expires_in'],
  properties: { token: { type: 'string' }, refresh_token: { type: 'string' }, expires_in: { type: 'integer' } },
} as const;

export const loginResponseSchema = {
  $id: 'LoginResponse',
  type: 'object',
  required: ['token', 'refresh_token', 'expires_in', 'account', 'user'],
  properties: {
    token: { type: 'string' },
    refresh_token: { type: 'string' },
    expires_in: { type: 'integer' },
    account: {
      type: 'object',
      required: ['id', 'slug', 'name', 'created_at'],
      properties: { id: { type: 'string' }, slug: { type: 'string' }, name: { type: 'string' }, created_at: { type: 'string' } },
    },
    user: {
      type: 'object',
      required: ['id', 'email', 'role', 'is_active', 'created_at'],
      properties: { id: { type: 'string' }, email: { type: 'string' }, role: { type: 'string' }, is_active: { type: 'boolean' }, created_at: { type: 'string' } },
    },
  },
} as const;

export const meResponseSchema = {
  $id: 'MeResponse',
  type: 'object',
  required: ['user_id', 'account_id', 'email', 'role'],
  properties: { user_id: { type: 'string' }, account_id: { type: 'string' }, email: { type: 'string' }, role: { type: 'string' } },
} as const;

/** `GET /auth/me` (spec §2.12). */
export interface MeResponse {
  readonly user_id: string;
  readonly account_id: string;
  readonly email: string;
  readonly role: string;
}
