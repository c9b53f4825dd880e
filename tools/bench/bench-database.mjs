// A throwaway database for one benchmark run: a file in the run's folder on SQLite, a fresh
// database on the test PostgreSQL server (dropped afterwards) on PostgreSQL.
import { join } from 'node:path';
import pg from 'pg';

const pgAdmin = process.env.SNACKBASE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * `{ url, file?, drop }`: the SNACKBASE_DATABASE_URL to give the servers, the SQLite file (for
 * seeding it directly) and how to remove the PostgreSQL database. `prefix` names the database,
 * so a leftover one says which benchmark made it.
 */
export async function benchDatabase(dialect, dir, prefix) {
  if (dialect === 'sqlite') return { url: `sqlite:///${join(dir, 'bench.db')}`, file: join(dir, 'bench.db'), drop: async () => undefined };
  const name = `${prefix}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: pgAdmin });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(pgAdmin); u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => { const c = new pg.Client({ connectionString: pgAdmin }); await c.connect(); await c.query(`drop database if exists ${name} with (force)`); await c.end(); },
  };
}
