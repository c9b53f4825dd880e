import { sql } from 'kysely';
import type { SnackMigration } from './migration';

const UPDATE_REFUSED = 'Audit log entries are immutable and cannot be updated';
const DELETE_REFUSED = 'Audit log entries are immutable and cannot be deleted';

/**
 * The append-only audit log (spec §7.1–7.4): one row per changed column, chained by SHA-256
 * hex checksums. `id` is the chain sequence. Global: `account_id` is informative (no FK, rows
 * outlive their account) and nullable for actions outside any account. Triggers refuse UPDATE,
 * DELETE and (PostgreSQL) TRUNCATE, so not even a bug in the server can rewrite history.
 */
export const auditLogMigration: SnackMigration = {
  async up(db, t) {
    const pg = t.dialect === 'postgres';
    await db.schema
      .createTable('audit_log')
      // bigint on PostgreSQL (the pool reads int8 back as a number); SQLite's integer is 64-bit.
      .addColumn('id', pg ? 'bigint' : 'integer', (c) => (pg ? c.generatedByDefaultAsIdentity().primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn('account_id', t.id)
      .addColumn('operation', 'varchar(10)', (c) => c.notNull().check(sql`operation in ('CREATE', 'UPDATE', 'DELETE')`))
      .addColumn('table_name', 'varchar(100)', (c) => c.notNull())
      .addColumn('record_id', 'varchar(255)', (c) => c.notNull())
      .addColumn('column_name', 'varchar(100)', (c) => c.notNull())
      .addColumn('old_value', 'text')
      .addColumn('new_value', 'text')
      // The acting principal; null only for actions without one (anonymous writes, system jobs).
      .addColumn('user_id', t.id)
      .addColumn('user_email', 'varchar(255)')
      .addColumn('user_name', 'varchar(255)')
      .addColumn('es_username', 'varchar(255)')
      .addColumn('es_reason', 'text')
      .addColumn('es_timestamp', t.timestamp)
      .addColumn('ip_address', 'varchar(45)')
      .addColumn('user_agent', 'varchar(500)')
      .addColumn('request_id', 'varchar(128)')
      .addColumn('occurred_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .addColumn('checksum', 'varchar(64)', (c) => c.notNull())
      .addColumn('previous_hash', 'varchar(64)')
      .addColumn('extra_metadata', t.json)
      .execute();
    await db.schema.createIndex('audit_log_account_table_idx').on('audit_log').columns(['account_id', 'table_name']).execute();
    await db.schema.createIndex('audit_log_table_record_idx').on('audit_log').columns(['table_name', 'record_id']).execute();
    await db.schema.createIndex('audit_log_record_idx').on('audit_log').column('record_id').execute();
    await db.schema.createIndex('audit_log_user_idx').on('audit_log').column('user_id').execute();
    await db.schema.createIndex('audit_log_occurred_idx').on('audit_log').column('occurred_at').execute();

    if (pg) {
      await sql`
        create function audit_log_refuse_change() returns trigger language plpgsql as $$
        begin
          if tg_op = 'UPDATE' then
            raise exception ${sql.lit(UPDATE_REFUSED)} using errcode = 'restrict_violation';
          elsif tg_op = 'DELETE' then
            raise exception ${sql.lit(DELETE_REFUSED)} using errcode = 'restrict_violation';
          end if;
          raise exception 'Audit log entries are immutable and cannot be truncated' using errcode = 'restrict_violation';
        end;
        $$`.execute(db);
      await sql`create trigger audit_log_no_update before update on audit_log for each row execute function audit_log_refuse_change()`.execute(db);
      await sql`create trigger audit_log_no_delete before delete on audit_log for each row execute function audit_log_refuse_change()`.execute(db);
      await sql`create trigger audit_log_no_truncate before truncate on audit_log for each statement execute function audit_log_refuse_change()`.execute(db);
    } else {
      await sql`create trigger audit_log_no_update before update on audit_log begin select raise(abort, ${sql.lit(UPDATE_REFUSED)}); end`.execute(db);
      await sql`create trigger audit_log_no_delete before delete on audit_log begin select raise(abort, ${sql.lit(DELETE_REFUSED)}); end`.execute(db);
    }
  },

  async down(db, t) {
    if (t.dialect === 'postgres') {
      await sql`drop trigger audit_log_no_truncate on audit_log`.execute(db);
      await sql`drop trigger audit_log_no_delete on audit_log`.execute(db);
      await sql`drop trigger audit_log_no_update on audit_log`.execute(db);
      await sql`drop function audit_log_refuse_change()`.execute(db);
    } else {
      await sql`drop trigger audit_log_no_delete`.execute(db);
      await sql`drop trigger audit_log_no_update`.execute(db);
    }
    await db.schema.dropTable('audit_log').execute();
  },
};
