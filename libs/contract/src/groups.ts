/**
 * Groups and roles request/response schemas (spec §5.8). Unknown keys in request bodies are
 * ignored, as the reference does; `account_id` on create is honoured for superadmins only.
 */

const NON_BLANK = '\\S';
const nullableString = (maxLength: number) => ({ type: ['string', 'null'], maxLength }) as const;

export const createGroupRequestSchema = {
  $id: 'GroupCreate',
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100, pattern: NON_BLANK },
    description: nullableString(500),
    account_id: { type: ['string', 'null'], maxLength: 36, description: 'Target account; honoured for superadmins only, ignored otherwise' },
  },
} as const;

export const updateGroupRequestSchema = {
  $id: 'GroupUpdate',
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100, pattern: NON_BLANK },
    description: nullableString(500),
  },
} as const;

export const addGroupUserRequestSchema = {
  $id: 'UserGroupUpdate',
  type: 'object',
  required: ['user_id'],
  properties: { user_id: { type: 'string', minLength: 1, maxLength: 36 } },
} as const;

/** `GET /groups?skip&limit`: query values arrive as strings; other parameters are ignored. */
export const listGroupsQuerySchema = {
  type: 'object',
  properties: {
    skip: { type: 'string', pattern: '^[0-9]{1,9}$', description: 'Rows to skip (default 0)' },
    limit: { type: 'string', pattern: '^[0-9]{1,9}$', description: 'Rows to return (default 100, at most 1000)' },
  },
} as const;

const groupProperties = {
  id: { type: 'string' },
  name: { type: 'string' },
  description: { type: ['string', 'null'] },
  account_id: { type: 'string' },
  account_code: { type: 'string' },
  member_count: { type: 'integer' },
  created_at: { type: 'string' },
  updated_at: { type: 'string' },
} as const;
const groupRequired = ['id', 'name', 'description', 'account_id', 'account_code', 'member_count', 'created_at', 'updated_at'] as const;

export const groupResponseSchema = { $id: 'GroupResponse', type: 'object', required: groupRequired, properties: groupProperties } as const;

export const groupListResponseSchema = {
  $id: 'GroupList',
  type: 'array',
  items: { type: 'object', required: groupRequired, properties: groupProperties },
} as const;

export const groupDetailResponseSchema = {
  $id: 'GroupDetailResponse',
  type: 'object',
  required: [...groupRequired, 'users'],
  properties: {
    ...groupProperties,
    users: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'email', 'account_id', 'role_id', 'role_name', 'is_active'],
        properties: {
          id: { type: 'string' },
          email: { type: 'string' },
          account_id: { type: 'string' },
          account_code: { type: 'string' },
          account_name: { type: 'string' },
          role_id: { type: 'integer' },
          role_name: { type: 'string' },
          is_active: { type: 'boolean' },
          auth_provider: { type: 'string' },
          auth_provider_name: { type: ['string', 'null'] },
          external_id: { type: ['string', 'null'] },
          external_email: { type: ['string', 'null'] },
          profile_data: {},
          email_verified: { type: 'boolean' },
          email_verified_at: { type: ['string', 'null'] },
          created_at: { type: 'string' },
          last_login: { type: ['string', 'null'] },
        },
      },
    },
  },
} as const;

export const groupMessageResponseSchema = {
  $id: 'GroupMessageResponse',
  type: 'object',
  required: ['message'],
  properties: { message: { type: 'string' } },
} as const;

export const roleRequestSchema = {
  $id: 'RoleRequest',
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 50, pattern: NON_BLANK, description: 'Trimmed; must not be blank' },
    description: nullableString(255),
  },
} as const;

export const roleResponseSchema = {
  $id: 'RoleResponse',
  type: 'object',
  required: ['id', 'name', 'description'],
  properties: { id: { type: 'integer' }, name: { type: 'string' }, description: { type: ['string', 'null'] } },
} as const;

export const roleListResponseSchema = {
  $id: 'RoleListResponse',
  type: 'object',
  required: ['items', 'total'],
  properties: {
    items: { type: 'array', items: { type: 'object', required: ['id', 'name', 'description'], properties: roleResponseSchema.properties } },
    total: { type: 'integer' },
  },
} as const;

/** A user as listed in a group's detail (spec §10.2 UserResponse). */
export interface GroupUserResponse {
  readonly id: string;
  readonly email: string;
  readonly account_id: string;
  readonly account_code: string;
  readonly account_name: string;
  readonly role_id: number;
  readonly role_name: string;
  readonly is_active: boolean;
  readonly auth_provider: string;
  readonly auth_provider_name: string | null;
  readonly external_id: string | null;
  readonly external_email: string | null;
  readonly profile_data: unknown;
  readonly email_verified: boolean;
  readonly email_verified_at: string | null;
  readonly created_at: string;
  readonly last_login: string | null;
}

/** One item of `GET /groups`. */
export interface GroupResponse {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly account_id: string;
  readonly account_code: string;
  readonly member_count: number;
  readonly created_at: string;
  readonly updated_at: string;
}

/** `GET /groups/{id}`, and the answer of create and update. */
export interface GroupDetailResponse extends GroupResponse {
  readonly users: readonly GroupUserResponse[];
}

/** A role (spec §5.8). */
export interface RoleResponse {
  readonly id: number;
  readonly name: string;
  readonly description: string | null;
}

/** `GET /roles`. */
export interface RoleListResponse {
  readonly items: readonly RoleResponse[];
  readonly total: number;
}
