import type { DbBool, DbJson, NullableTimestamp, Timestamp } from './identity-tables';

/** One issued refresh token (`id` = its jti); `family_id` groups the rotations of one login. */
export interface RefreshTokensTable {
  id: string;
  account_id: string;
  user_id: string;
  family_id: string;
  /** SHA-256 hex of the token string. */
  token_hash: string;
  expires_at: string;
  is_revoked: DbBool;
  revoked_at: NullableTimestamp;
  /** The jti of the token this one was rotated into. */
  replaced_by: string | null;
  created_at: Timestamp;
}

/** A revoked token id (`sb_*` token_id, access-token jti or refresh family). */
export interface TokenBlacklistTable {
  id: string;
  token_type: string;
  revoked_at: Timestamp;
  /** When the revoked token would have expired anyway; the entry may be purged after it. */
  expires_at: NullableTimestamp;
  reason: string | null;
}

export interface ApiKeysTable {
  id: string;
  account_id: string;
  user_id: string;
  name: string;
  /** SHA-256 hex of the key. */
  key_hash: string;
  scopes: DbJson;
  expires_at: NullableTimestamp;
  is_active: DbBool;
  last_used_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface InvitationsTable {
  id: string;
  account_id: string;
  email: string;
  /** SHA-256 hex of the invitation token; the token itself is only mailed. */
  token_hash: string;
  /** Role given on acceptance; null = the `user` role. */
  role_id: number | null;
  /** JSON array of group ids (same account) joined on acceptance. */
  group_ids: DbJson;
  invited_by: string | null;
  expires_at: string;
  accepted_at: NullableTimestamp;
  cancelled_at: NullableTimestamp;
  email_sent: DbBool;
  email_sent_at: NullableTimestamp;
  created_at: Timestamp;
}

/** `email_verification_tokens` and `password_reset_tokens`: hashed, single use, one per (user, email). */
export interface OneTimeTokensTable {
  id: string;
  user_id: string;
  email: string;
  /** SHA-256 hex of the token. */
  token_hash: string;
  expires_at: string;
  used_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface OAuthStatesTable {
  id: string;
  provider_name: string;
  /** SHA-256 hex of the state value. */
  state_hash: string;
  redirect_uri: string;
  code_verifier: string | null;
  metadata: DbJson;
  expires_at: string;
  created_at: Timestamp;
}
