import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openSqlite } from './sqlite-connection';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('background WAL checkpoints', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sb-wal-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function fill(db: ReturnType<typeof openSqlite>) {
    db.prepare('create table t (id integer primary key, body text)').run([]);
    const insert = db.prepare('insert into t (body) values (?)');
    for (let i = 0; i < 500; i++) insert.run(['x'.repeat(4000)]); // ~2 MB, all of it in the WAL at first
  }

  it('turns automatic checkpoints off and copies the log into the database file from a worker', async () => {
    const file = join(dir, 'a.db');
    const db = openSqlite(file);
    try {
      fill(db);
      expect(db.raw.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      // Nothing on this connection checkpoints; only the worker can grow the main file.
      for (let i = 0; i < 40 && statSync(file).size < 1_000_000; i++) await sleep(100);
      expect(statSync(file).size).toBeGreaterThan(1_000_000);
      expect(db.prepare('select count(*) as n from t').all([])).toEqual([{ n: 500 }]);
    } finally {
      db.close();
    }
  });

  it('keeps the log bounded under sustained writes (restarts it once it passes 4,096 frames)', async () => {
    const file = join(dir, 'c.db');
    const db = openSqlite(file);
    try {
      db.prepare('create table t (id integer primary key, body text)').run([]);
      const insert = db.prepare('insert into t (body) values (?)');
      // ~60 MB of commits over ~3 s, yielding between batches as a server does between
      // requests: without restarts the log would hold all of it.
      let largest = 0;
      for (let batch = 0; batch < 60; batch++) {
        for (let i = 0; i < 250; i++) insert.run(['x'.repeat(4000)]);
        largest = Math.max(largest, statSync(`${file}-wal`).size);
        await sleep(50);
      }
      expect(db.prepare('select count(*) as n from t').all([])).toEqual([{ n: 15_000 }]);
      expect(largest).toBeLessThan(40_000_000);
    } finally {
      db.close();
    }
  });

  it('never stalls writes for long behind a reader that keeps the log (a restart waits 20 ms, then backs off)', async () => {
    const file = join(dir, 'd.db');
    const db = openSqlite(file);
    const reader = new BetterSqlite3(file);
    try {
      db.prepare('create table t (id integer primary key, body text)').run([]);
      const insert = db.prepare('insert into t (body) values (?)');
      insert.run(['first']);
      // A reader elsewhere holds its snapshot for the whole test: the log cannot be restarted.
      reader.exec('begin');
      reader.prepare('select count(*) as n from t').get();
      let slowest = 0;
      for (let batch = 0; batch < 40; batch++) {
        for (let i = 0; i < 250; i++) {
          const started = performance.now();
          insert.run(['x'.repeat(4000)]);
          slowest = Math.max(slowest, performance.now() - started);
        }
        await sleep(50);
      }
      expect(db.prepare('select count(*) as n from t').all([])).toEqual([{ n: 10_001 }]);
      expect(slowest).toBeLessThan(1000);
    } finally {
      reader.exec('commit');
      reader.close();
      db.close();
    }
  });

  it('leaves SQLite to checkpoint in commits when turned off, and for databases that only read', () => {
    const off = openSqlite(join(dir, 'b.db'), { backgroundCheckpoint: false });
    fill(off);
    expect(off.raw.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    off.close();
    const reader = openSqlite(join(dir, 'b.db'));
    expect(reader.prepare('select count(*) as n from t').all([])).toEqual([{ n: 500 }]);
    expect(reader.raw.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    reader.close();
  });
});
