import { sql } from 'kysely';
import type { SnackMigration } from './migration';

const UPDATE_REFUSED = 'Staged audit entries are immutable and cannot be updated';

/**
 * Where writes stage their audit entries (`audit_pending`), committed in the writer's own
 * transaction, until the chainer moves them into `audit_log` in batches (see
 * `@snackbase/core` audit-chainer). One row per change: the entries as JSON, in order. Staging
 * keeps the chain lock out of every write transaction, so PostgreSQL commits can group their
 * fsyncs and SQLite writes touch one B-tree instead of six. Rows may only be inserted and, by
 * the chainer once chained, deleted: the database refuses updates.
 */
export const auditPendingMigration: SnackMigration = {
  async up(db, t) {
    const pg = t.dialect === 'postgres';
    await db.schema
      .createTable('audit_pending')
      .addColumn('id', pg ? 'bigint' : 'integer', (c) => (pg ? c.generatedByDefaultAsIdentity().primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn('entries', 'text', (c) => c.notNull())
      .execute();
    if (pg) {
      await sql`
        create function audit_pending_refuse_update() returns trigger language plpgsql as $$
        begin
          raise exception ${sql.lit(UPDATE_REFUSED)} using errcode = 'restrict_violation';
        end;
        $$`.execute(db);
      await sql`create trigger audit_pending_no_update before update on audit_pending for each row execute function audit_pending_refuse_update()`.execute(db);
    } else {
      await sql`create trigger audit_pending_no_update before update on audit_pending begin select raise(abort, ${sql.lit(UPDATE_REFUSED)}); end`.execute(db);
    }
  },

  async down(db, t) {
    if (t.dialect === 'postgres') {
      await sql`drop trigger audit_pending_no_update on audit_pending`.execute(db);
      await sql`drop function audit_pending_refuse_update()`.execute(db);
    } else {
      await sql`drop trigger audit_pending_no_update`.execute(db);
    }
    await db.schema.dropTable('audit_pending').execute();
  },
};
