export type { IdentityMailer } from './identity-mailer';
export { consumeOneTimeToken, issueOneTimeToken, ONE_TIME_TOKEN_TTL_MS, peekOneTimeToken } from './one-time-tokens';
export type { OneTimePurpose } from './one-time-tokens';
export { FORGOT_PASSWORD_MESSAGE, forgotPassword, resetPassword, sendResetLink } from './password-reset';
export { createIdentity } from './create-identity';
export type { Identity } from './create-identity';
export { register } from './register';
export type { RegisterDeps, RegisterInput, RegisterResult } from './register';
export { resendVerification, sendVerificationMail, verifyEmail } from './verify-email';
