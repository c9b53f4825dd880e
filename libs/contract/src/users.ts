/** Superadmin users API schemas (spec §10.2). */
const uuid = { type: 'string', minLength: 36, maxLength: 36 } as const;
const email = { type: 'string', minLength: 3, maxLength: 255, pattern: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$' } as const;
const provider = { enum: ['password', 'oauth', 'saml'] } as const;

/** The fields a superadmin may set on create and change on update. */
const changeable = {
  email,
  role_id: { type: 'integer', minimum: 1 },
  is_active: { type: 'boolean' },
  auth_provider: provider,
  auth_provider_name: { type: 'string', maxLength: 100 },
  external_id: { type: 'string', maxLength: 255 },
  external_email: { type: 'string', maxLength: 255 },
  profile_data: { type: 'object' },
} as const;

export const createUserRequestSchema = {
  $id: 'CreateUserRequest',
  type: 'object',
  required: ['email', 'account_id', 'role_id'],
  properties: { ...changeable, password: { type: 'string', maxLength: 1024 }, account_id: uuid },
} as const;

export const updateUserRequestSchema = {
  $id: 'UpdateUserRequest',
  type: 'object',
  properties: changeable,
} as const;

export const setPasswordRequestSchema = {
  $id: 'SetPasswordRequest',
  type: 'object',
  properties: { new_password: { type: 'string', minLength: 1, maxLength: 1024 }, send_reset_link: { type: 'boolean' } },
  anyOf: [{ required: ['new_password'] }, { required: ['send_reset_link'], properties: { send_reset_link: { const: true } } }],
} as const;

export const userListQuerySchema = {
  $id: 'UserListQuery',
  type: 'object',
  properties: {
    account_id: uuid,
    role_id: { type: 'string', pattern: '^[1-9][0-9]{0,9}$' },
    is_active: { enum: ['true', 'false'] },
    search: { type: 'string', maxLength: 255 },
    skip: { type: 'string', pattern: '^[0-9]{1,9}$' },
    limit: { type: 'string', pattern: '^([1-9]|[1-9][0-9]|100)$' },
    sort: { type: 'string', pattern: '^[-+]?[a-z_]{1,40}$' },
  },
} as const;
