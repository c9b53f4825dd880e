import type { SnackMigration } from './migration';

/**
 * Provider configurations, email templates and the email send log (spec §10.4, §10.5).
 * System-level rows belong to the system account (nil UUID) with `is_system` true.
 */
export const configurationAndMailMigration: SnackMigration = {
  async up(db, t) {
    // `config` holds the provider values with secret-named keys encrypted at rest.
    await db.schema
      .createTable('configurations')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('account_id', t.id, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('category', 'varchar(64)', (c) => c.notNull())
      .addColumn('provider_name', 'varchar(64)', (c) => c.notNull())
      .addColumn('display_name', 'varchar(255)', (c) => c.notNull())
      .addColumn('logo_url', 'varchar(500)')
      .addColumn('config_schema', t.json)
      .addColumn('config', t.json, (c) => c.notNull())
      .addColumn('enabled', t.bool, (c) => c.notNull().defaultTo(t.true))
      .addColumn('is_builtin', t.bool, (c) => c.notNull().defaultTo(t.false))
      .addColumn('is_system', t.bool, (c) => c.notNull().defaultTo(t.false))
      .addColumn('is_default', t.bool, (c) => c.notNull().defaultTo(t.false))
      .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .addColumn('updated_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .addUniqueConstraint('configurations_account_category_provider_unique', ['account_id', 'category', 'provider_name'])
      .execute();
    await db.schema.createIndex('configurations_category_provider_idx').on('configurations').columns(['category', 'provider_name']).execute();

    // Lookup: the account's enabled template for (type, locale), else the system account's.
    await db.schema
      .createTable('email_templates')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('account_id', t.id, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('template_type', 'varchar(50)', (c) => c.notNull())
      .addColumn('locale', 'varchar(10)', (c) => c.notNull().defaultTo('en'))
      .addColumn('subject', 'varchar(500)', (c) => c.notNull())
      .addColumn('html_body', 'text', (c) => c.notNull())
      .addColumn('text_body', 'text', (c) => c.notNull())
      .addColumn('enabled', t.bool, (c) => c.notNull().defaultTo(t.true))
      .addColumn('is_builtin', t.bool, (c) => c.notNull().defaultTo(t.false))
      .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .addColumn('updated_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .addUniqueConstraint('email_templates_account_type_locale_unique', ['account_id', 'template_type', 'locale'])
      .execute();

    // One row per send attempt. `variables` must be stored with raw tokens/links redacted.
    // `account_id` is null for mail sent outside any account (e.g. before the system account exists).
    await db.schema
      .createTable('email_logs')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('account_id', t.id, (c) => c.references('accounts.id').onDelete('cascade'))
      .addColumn('template_type', 'varchar(50)', (c) => c.notNull())
      .addColumn('recipient_email', 'varchar(255)', (c) => c.notNull())
      .addColumn('provider', 'varchar(50)', (c) => c.notNull())
      .addColumn('status', 'varchar(20)', (c) => c.notNull().defaultTo('pending'))
      .addColumn('error_message', 'text')
      .addColumn('variables', t.json)
      .addColumn('sent_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .execute();
    await db.schema.createIndex('email_logs_account_sent_idx').on('email_logs').columns(['account_id', 'sent_at']).execute();
    await db.schema.createIndex('email_logs_sent_idx').on('email_logs').column('sent_at').execute();
    await db.schema.createIndex('email_logs_status_idx').on('email_logs').columns(['status', 'template_type']).execute();
  },

  async down(db) {
    for (const table of ['email_logs', 'email_templates', 'configurations']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
