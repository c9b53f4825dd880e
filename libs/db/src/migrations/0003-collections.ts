import { sql } from 'kysely';
import type { SnackMigration } from './migration';

/** Collections, their rules and stored SQL macros — all global (spec Appendix A, §3.1, §5.1, §5.5). */
export const collectionsMigration: SnackMigration = {
  async up(db, t) {
    await db.schema
      .createTable('collections')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('name', 'varchar(64)', (c) => c.notNull())
      .addColumn('schema', t.json, (c) => c.notNull())
      .addColumn('migration_revision', 'varchar(64)')
      .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .addColumn('updated_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .execute();
    // `Posts` and `posts` would map to the same physical table: names are unique ignoring case.
    await db.schema.createIndex('collections_name_lower_unique').on('collections').unique().expression(sql`lower(name)`).execute();

    // One row per collection. Rules: null = locked, '' = public, else an expression.
    // Field lists: '*' or a JSON array of field names.
    await db.schema
      .createTable('collection_rules')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('collection_id', t.id, (c) => c.notNull().unique().references('collections.id').onDelete('cascade'))
      .addColumn('list_rule', 'text')
      .addColumn('view_rule', 'text')
      .addColumn('create_rule', 'text')
      .addColumn('update_rule', 'text')
      .addColumn('delete_rule', 'text')
      .addColumn('list_fields', 'text', (c) => c.notNull().defaultTo('*'))
      .addColumn('view_fields', 'text', (c) => c.notNull().defaultTo('*'))
      .addColumn('create_fields', 'text', (c) => c.notNull().defaultTo('*'))
      .addColumn('update_fields', 'text', (c) => c.notNull().defaultTo('*'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .addColumn('updated_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .execute();

    // Integer ids (spec §0.1): an identity column on PostgreSQL, a rowid alias on SQLite.
    await db.schema
      .createTable('macros')
      .addColumn('id', 'integer', (c) => (t.dialect === 'postgres' ? c.generatedByDefaultAsIdentity().primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn('name', 'varchar(100)', (c) => c.notNull().unique())
      .addColumn('description', 'text')
      .addColumn('sql_query', 'text', (c) => c.notNull())
      .addColumn('parameters', t.json, (c) => c.notNull().defaultTo('[]'))
      .addColumn('created_by', t.id, (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .addColumn('updated_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .execute();
  },

  async down(db) {
    for (const table of ['macros', 'collection_rules', 'collections']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
