export { createAuth } from './create-auth';
export type { Auth } from './create-auth';
export { revokeUserSessions } from './issue-session';
export type { IssuedTokens } from './issue-session';
export type { LoginInput, LoginResult } from './login';
export { ANONYMOUS, isSuperadminAccount } from './principal';
export type { Principal } from './principal';
