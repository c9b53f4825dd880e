import { sql } from 'kysely';
import type { SnackMigration } from './migration';

/** Accounts, roles, users, groups and memberships (spec Appendix A, §2). */
export const identityMigration: SnackMigration = {
  async up(db, t) {
    await db.schema
      .createTable('accounts')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('account_code', 'varchar(6)', (c) => c.notNull().unique())
      .addColumn('slug', 'varchar(32)', (c) => c.notNull().unique().check(sql`length(slug) between 3 and 32`))
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .addColumn('updated_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .execute();

    await db.schema
      .createTable('roles')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'varchar(50)', (c) => c.notNull().unique())
      .addColumn('description', 'varchar(255)')
      .execute();
    await db
      .insertInto('roles')
      .values([
        { id: 1, name: 'admin', description: 'Administrator with full access' },
        { id: 2, name: 'user', description: 'Regular user with limited access' },
      ])
      .execute();

    await db.schema
      .createTable('users')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('account_id', t.id, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('email', 'varchar(255)', (c) => c.notNull())
      .addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
      .addColumn('role_id', 'integer', (c) => c.notNull().references('roles.id'))
      .addColumn('is_active', t.bool, (c) => c.notNull().defaultTo(t.true))
      .addColumn('email_verified', t.bool, (c) => c.notNull().defaultTo(t.false))
      .addColumn('email_verified_at', t.timestamp)
      .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .addColumn('updated_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .addColumn('last_login', t.timestamp)
      .addColumn('auth_provider', 'varchar(20)', (c) => c.notNull().defaultTo('password'))
      .addColumn('auth_provider_name', 'varchar(100)')
      .addColumn('external_id', 'varchar(255)')
      .addColumn('external_email', 'varchar(255)')
      .addColumn('profile_data', t.json)
      .addUniqueConstraint('users_account_email_unique', ['account_id', 'email'])
      .execute();
    await db.schema.createIndex('users_external_idx').on('users').columns(['auth_provider_name', 'external_id']).execute();
    await db.schema.createIndex('users_email_idx').on('users').column('email').execute();

    await db.schema
      .createTable('groups')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('account_id', t.id, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('name', 'varchar(100)', (c) => c.notNull())
      .addColumn('description', 'varchar(500)')
      .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .addColumn('updated_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .addUniqueConstraint('groups_account_name_unique', ['account_id', 'name'])
      .execute();

    await db.schema
      .createTable('users_groups')
      .addColumn('user_id', t.id, (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('group_id', t.id, (c) => c.notNull().references('groups.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('users_groups_pk', ['user_id', 'group_id'])
      .execute();
    await db.schema.createIndex('users_groups_group_idx').on('users_groups').column('group_id').execute();
  },

  async down(db) {
    for (const table of ['users_groups', 'groups', 'users', 'roles', 'accounts']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
