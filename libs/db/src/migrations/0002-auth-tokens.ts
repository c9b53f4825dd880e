import type { SnackMigration } from './migration';

/**
 * Refresh tokens, token blacklist, API keys, invitations, one-time mail tokens and OAuth states
 * (spec Appendix A, §2.5–2.8, §2.11, §2.15, §10.6). Every token a client presents back is stored
 * only as its SHA-256 hex (DECISIONS: one-time tokens hashed), never in plain text.
 */
export const authTokensMigration: SnackMigration = {
  async up(db, t) {
    // One row per issued refresh token; `id` is its jti. `family_id` is shared by every token of
    // one login (the access token's `sid`): replaying a rotated token revokes the whole family.
    await db.schema
      .createTable('refresh_tokens')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('account_id', t.id, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('user_id', t.id, (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('family_id', t.id, (c) => c.notNull())
      .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
      .addColumn('expires_at', t.timestamp, (c) => c.notNull())
      .addColumn('is_revoked', t.bool, (c) => c.notNull().defaultTo(t.false))
      .addColumn('revoked_at', t.timestamp)
      .addColumn('replaced_by', t.id)
      .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .execute();
    await db.schema.createIndex('refresh_tokens_account_user_idx').on('refresh_tokens').columns(['account_id', 'user_id']).execute();
    await db.schema.createIndex('refresh_tokens_user_idx').on('refresh_tokens').column('user_id').execute();
    await db.schema.createIndex('refresh_tokens_family_idx').on('refresh_tokens').column('family_id').execute();
    await db.schema.createIndex('refresh_tokens_expires_idx').on('refresh_tokens').column('expires_at').execute();

    // Revoked token ids (`sb_*` token_id, access-token jti or refresh family id), checked on use.
    // `expires_at` (when the revoked token would have expired anyway) lets old entries be purged.
    await db.schema
      .createTable('token_blacklist')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('token_type', 'varchar(20)', (c) => c.notNull())
      .addColumn('revoked_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .addColumn('expires_at', t.timestamp)
      .addColumn('reason', 'varchar(255)')
      .execute();
    await db.schema.createIndex('token_blacklist_expires_idx').on('token_blacklist').column('expires_at').execute();

    await db.schema
      .createTable('api_keys')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('account_id', t.id, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('user_id', t.id, (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('name', 'varchar(100)', (c) => c.notNull())
      .addColumn('key_hash', 'varchar(64)', (c) => c.notNull().unique())
      .addColumn('scopes', t.json)
      .addColumn('expires_at', t.timestamp)
      .addColumn('is_active', t.bool, (c) => c.notNull().defaultTo(t.true))
      .addColumn('last_used_at', t.timestamp)
      .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .addColumn('updated_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .execute();
    await db.schema.createIndex('api_keys_account_user_idx').on('api_keys').columns(['account_id', 'user_id']).execute();
    await db.schema.createIndex('api_keys_user_idx').on('api_keys').column('user_id').execute();

    // Invitations honour `role_id` (null = the `user` role) and `group_ids` (JSON array of group
    // ids of the same account). Cancelling sets `cancelled_at` instead of deleting the row.
    await db.schema
      .createTable('invitations')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('account_id', t.id, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('email', 'varchar(255)', (c) => c.notNull())
      .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
      .addColumn('role_id', 'integer', (c) => c.references('roles.id').onDelete('set null'))
      .addColumn('group_ids', t.json)
      .addColumn('invited_by', t.id, (c) => c.references('users.id').onDelete('set null'))
      .addColumn('expires_at', t.timestamp, (c) => c.notNull())
      .addColumn('accepted_at', t.timestamp)
      .addColumn('cancelled_at', t.timestamp)
      .addColumn('email_sent', t.bool, (c) => c.notNull().defaultTo(t.false))
      .addColumn('email_sent_at', t.timestamp)
      .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .execute();
    await db.schema.createIndex('invitations_account_email_idx').on('invitations').columns(['account_id', 'email']).execute();
    await db.schema.createIndex('invitations_invited_by_idx').on('invitations').column('invited_by').execute();

    // One table per purpose, so a verification token can never reset a password and vice versa.
    // One live token per (user, email): issuing a new one deletes the previous.
    for (const table of ['email_verification_tokens', 'password_reset_tokens']) {
      await db.schema
        .createTable(table)
        .addColumn('id', t.id, (c) => c.primaryKey())
        .addColumn('user_id', t.id, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('email', 'varchar(255)', (c) => c.notNull())
        .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
        .addColumn('expires_at', t.timestamp, (c) => c.notNull())
        .addColumn('used_at', t.timestamp)
        .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
        .addUniqueConstraint(`${table}_user_email_unique`, ['user_id', 'email'])
        .execute();
    }

    // OAuth authorize → callback state; single use (deleted on callback), 10 minutes.
    await db.schema
      .createTable('oauth_states')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('provider_name', 'varchar(50)', (c) => c.notNull())
      .addColumn('state_hash', 'varchar(64)', (c) => c.notNull().unique())
      .addColumn('redirect_uri', 'varchar(2048)', (c) => c.notNull())
      .addColumn('code_verifier', 'varchar(255)')
      .addColumn('metadata', t.json)
      .addColumn('expires_at', t.timestamp, (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .execute();
    await db.schema.createIndex('oauth_states_expires_idx').on('oauth_states').column('expires_at').execute();
  },

  async down(db) {
    for (const table of [
      'oauth_states',
      'password_reset_tokens',
      'email_verification_tokens',
      'invitations',
      'api_keys',
      'token_blacklist',
      'refresh_tokens',
    ]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
