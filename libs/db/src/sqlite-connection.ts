import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import { startWalCheckpointer, type WalCheckpointer } from './wal-checkpointer';

/** SQLite tuning (spec §10.15 `SNACKBASE_DB_SQLITE_*`). */
export interface SqliteOptions {
  readonly journalMode?: string;
  readonly synchronous?: string;
  readonly cacheSize?: number;
  readonly tempStore?: string;
  readonly mmapSize?: number;
  readonly busyTimeoutMs?: number;
  readonly foreignKeys?: boolean;
  /**
   * Checkpoint the write-ahead log from a worker thread instead of inside commits (default on
   * for WAL files; see `startWalCheckpointer`).
   */
  readonly backgroundCheckpoint?: boolean;
}

const PRAGMA_WORD = /^[A-Za-z]+$/;

function word(name: string, value: string): string {
  if (!PRAGMA_WORD.test(value)) throw new Error(`invalid SQLite ${name}: ${value}`);
  return value;
}

/** better-sqlite3 binds only numbers, strings, bigints, buffers and null: map the rest once here. */
function toSqliteParam(value: unknown): unknown {
  // Strings and numbers first: nearly every parameter is one, and a write binds hundreds.
  const type = typeof value;
  if (type === 'string' || type === 'number' || value === null) return value;
  if (type === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) return JSON.stringify(value);
  return value;
}

function wrapStatement(stmt: Database.Statement, beforeWrite: () => void): SqliteStatement {
  const params = (p: ReadonlyArray<unknown>) => p.map(toSqliteParam);
  return {
    reader: stmt.reader,
    all: (p) => stmt.all(params(p)),
    run: (p) => {
      beforeWrite();
      return stmt.run(params(p));
    },
    iterate: (p) => stmt.iterate(params(p)) as IterableIterator<unknown>,
  };
}

/**
 * Opens (creating its folder) a SQLite file with SnackBase's pragmas: WAL, foreign keys on,
 * a busy timeout so a second process waits for the write lock instead of failing.
 */
export function openSqlite(filename: string, options: SqliteOptions = {}): SqliteDatabase & { raw: Database.Database } {
  const memory = filename === ':memory:';
  if (!memory) mkdirSync(dirname(resolve(filename)), { recursive: true });
  // Loaded on first use: better-sqlite3 is an optional peer, so a PostgreSQL-only service that
  // embeds @snackbase/db need not install (and compile) it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const BetterSqlite3 = require('better-sqlite3') as typeof Database;
  const raw = new BetterSqlite3(filename, { timeout: options.busyTimeoutMs ?? 5000 });
  raw.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
  if (!memory) raw.pragma(`journal_mode = ${word('journal mode', options.journalMode ?? 'WAL')}`);
  raw.pragma(`synchronous = ${word('synchronous', options.synchronous ?? 'NORMAL')}`);
  raw.pragma(`cache_size = ${Math.trunc(options.cacheSize ?? -16000)}`);
  raw.pragma(`temp_store = ${word('temp store', options.tempStore ?? 'MEMORY')}`);
  raw.pragma(`mmap_size = ${Math.trunc(options.mmapSize ?? 0)}`);
  raw.pragma(`foreign_keys = ${options.foreignKeys === false ? 'OFF' : 'ON'}`);
  const wal = !memory && String(raw.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal';
  // When the log starts over, its file is cut back to 64 MB: a burst of writes that grew it
  // does not keep the disk space for good.
  if (wal) raw.pragma('journal_size_limit = 67108864');
  let checkpointer: WalCheckpointer | undefined;
  // Started at the first write, so a connection that only reads costs no thread.
  const beforeWrite = () => {
    if (checkpointer || !wal || options.backgroundCheckpoint === false) return;
    raw.pragma('wal_autocheckpoint = 0');
    checkpointer = startWalCheckpointer(resolve(filename), options.busyTimeoutMs ?? 5000, () => {
      // The worker is gone: commits checkpoint again themselves, as SQLite does by default.
      if (raw.open) raw.pragma('wal_autocheckpoint = 1000');
    });
  };
  return {
    raw,
    close: () => {
      raw.close();
      void checkpointer?.stop();
    },
    prepare: (sql: string) => wrapStatement(raw.prepare(sql), beforeWrite),
  };
}
