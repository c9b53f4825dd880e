import BetterSqlite3 from 'better-sqlite3';
import { withCachedStatements } from './cached-statements';

describe('withCachedStatements', () => {
  let raw: BetterSqlite3.Database;
  beforeEach(() => {
    raw = new BetterSqlite3(':memory:');
    raw.exec('create table t (id integer primary key, name text)');
  });
  afterEach(() => raw.close());

  it('prepares each SQL text once and reuses the statement', () => {
    const prepare = jest.spyOn(raw, 'prepare');
    const db = withCachedStatements(raw);
    db.prepare('insert into t (name) values (?)').run(['a']);
    db.prepare('insert into t (name) values (?)').run(['b']);
    expect(db.prepare('select name from t order by id').all([])).toEqual([{ name: 'a' }, { name: 'b' }]);
    expect(prepare).toHaveBeenCalledTimes(2);
  });

  it('sees a column added after the statement was cached (SQLite re-prepares it)', () => {
    const db = withCachedStatements(raw);
    db.prepare('insert into t (name) values (?)').run(['a']);
    expect(db.prepare('select * from t').all([])).toEqual([{ id: 1, name: 'a' }]);
    raw.exec('alter table t add column extra text');
    expect(db.prepare('select * from t').all([])).toEqual([{ id: 1, name: 'a', extra: null }]);
  });

  it('answers a dropped table with the error a fresh statement would give', () => {
    const db = withCachedStatements(raw);
    db.prepare('select * from t').all([]);
    raw.exec('drop table t');
    expect(() => db.prepare('select * from t').all([])).toThrow(/no such table/);
  });
});
