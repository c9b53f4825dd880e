export { createTokenSigner, TOKEN_ISSUER, TokenError } from './jwt-tokens';
export type { AccessClaims, RefreshClaims, TokenSigner } from './jwt-tokens';
export { hashPassword, verifyDummyPassword, verifyPassword } from './password-hash';
export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblems } from './password-policy';
export type { PasswordProblem } from './password-policy';
export { hashToken, randomToken } from './token-hash';
