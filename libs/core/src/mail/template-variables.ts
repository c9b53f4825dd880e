/** The built-in template types (spec §10.5). */
export const TEMPLATE_TYPES = ['email_verification', 'password_reset', 'invitation'] as const;

/** One of {@link TEMPLATE_TYPES}. */
export type TemplateType = (typeof TEMPLATE_TYPES)[number];

/** Variables every template gets from the system settings (caller values win over them). */
export const SYSTEM_VARIABLES = ['app_name', 'app_url', 'support_email'] as const;

/** Variables a template of each type may use, beyond {@link SYSTEM_VARIABLES}. */
export const TEMPLATE_VARIABLES: Readonly<Record<TemplateType, readonly string[]>> = {
  email_verification: ['email', 'user_email', 'user_name', 'verification_url', 'token', 'expires_at', 'expires_in'],
  password_reset: ['email', 'user_email', 'user_name', 'reset_url', 'token', 'ip_address', 'expires_at', 'expires_in'],
  invitation: ['email', 'user_email', 'user_name', 'account_name', 'invitation_url', 'invited_by', 'token', 'expires_at', 'expires_in'],
};

/** True for a built-in template type. */
export function isTemplateType(value: string): value is TemplateType {
  return (TEMPLATE_TYPES as readonly string[]).includes(value);
}

/** Every variable name a template of `type` may reference. */
export function allowedVariables(type: string): readonly string[] {
  return [...SYSTEM_VARIABLES, ...(isTemplateType(type) ? TEMPLATE_VARIABLES[type] : [])];
}

/** Stand-in values for previews, so a preview never needs a real token or link. */
export const SAMPLE_VARIABLES: Readonly<Record<string, string>> = {
  email: 'jane@example.com',
  user_email: 'jane@example.com',
  user_name: 'Jane Doe',
  token: 'sample-token',
  expires_at: '2030-01-01T12:00:00.000Z',
  expires_in: '1 hour',
  ip_address: '203.0.113.7',
  account_name: 'Acme',
  invited_by: 'admin@example.com',
};

/** The preview link of a `*_url` variable, below the app URL. */
export const SAMPLE_LINK_PATHS: Readonly<Record<string, string>> = {
  verification_url: '/verify-email',
  reset_url: '/reset-password',
  invitation_url: '/accept-invitation',
};
