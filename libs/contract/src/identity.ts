/** Registration, verification and password reset schemas (spec §2.2, §2.8, §2.11). */
const email = { type: 'string', minLength: 3, maxLength: 255, pattern: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$' } as const;
const token = { type: 'string', minLength: 1, maxLength: 512 } as const;

export const registerRequestSchema = {
  $id: 'RegisterRequest',
  type: 'object',
  required: ['email', 'password'],
  properties: {
    email,
    password: { type: 'string', minLength: 1, maxLength: 1024 },
    account_name: { type: 'string', minLength: 1, maxLength: 255 },
    account_slug: { type: 'string', minLength: 1, maxLength: 64 },
  },
} as const;

export const verifyEmailRequestSchema = { $id: 'VerifyEmailRequest', type: 'object', required: ['token'], properties: { token } } as const;

export const forgotPasswordRequestSchema = {
  $id: 'ForgotPasswordRequest',
  type: 'object',
  required: ['email'],
  properties: { email, account: { type: 'string', minLength: 1, maxLength: 255 } },
} as const;

export const resetPasswordRequestSchema = {
  $id: 'ResetPasswordRequest',
  type: 'object',
  required: ['token', 'new_password'],
  properties: { token, new_password: { type: 'string', minLength: 1, maxLength: 1024 } },
} as const;
