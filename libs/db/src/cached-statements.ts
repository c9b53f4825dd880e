import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** How many distinct SQL texts keep their prepared statement; the oldest is dropped past it. */
const MAX_STATEMENTS = 500;

/**
 * `database` with a bounded cache of prepared statements by SQL text. Kysely's SQLite driver
 * prepares every query afresh, and preparing (parsing and planning the SQL) was 6 % of the
 * server's CPU on the records benchmark; the same few dozen SQL texts repeat all day. Reusing a
 * better-sqlite3 statement is safe here: Kysely runs one query at a time on the connection, and
 * SQLite re-prepares a statement by itself when the schema changes underneath it.
 */
export function withCachedStatements(database: SqliteDatabase): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => {
      statements.clear();
      return database.close();
    },
    prepare(sql: string): SqliteStatement {
      const hit = statements.get(sql);
      if (hit) {
        // Map keeps insertion order: re-inserting marks it most recently used.
        statements.delete(sql);
        statements.set(sql, hit);
        return hit;
      }
      const statement = database.prepare(sql);
      if (statements.size >= MAX_STATEMENTS) statements.delete(statements.keys().next().value as string);
      statements.set(sql, statement);
      return statement;
    },
  };
}
