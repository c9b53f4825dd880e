// The floor the records benchmark compares SnackBase against: bare Express + Kysely +
// jsonwebtoken serving the same four record endpoints over the same seeded table, with the same
// JWT check (HS256, the secret as a KeyObject made once: TOOLCHAIN.md pitfall 18) and nothing
// else: no rules, hooks, audit, validation, field lists or masking.
//   GET  /api/v1/records/:c/:id      view:  account_id = ? AND id = ?
//   GET  /api/v1/records/:c?mode=filter  status = 'open' AND score > 50, newest first, 20 + count
//   GET  /api/v1/records/:c?mode=owner   created_by = <caller>, newest first, 20 + count
//   POST /api/v1/records/:c          insert {title, score, status} stamped with account and caller
// Usage: node records-baseline-server.cjs <port> <database-url> <jwt-secret> <table>
'use strict';
const { createSecretKey, randomUUID } = require('node:crypto');
const express = require('express');
const jwt = require('jsonwebtoken');
const { Kysely, PostgresDialect, SqliteDialect, sql } = require('kysely');

const [port, url, secret, table] = process.argv.slice(2);
const sqlite = url.startsWith('sqlite');
function openSqlite() {
  const db = new (require('better-sqlite3'))(url.replace(/^sqlite:\/\/\//, ''));
  // The pragmas SnackBase sets (libs/db/src/sqlite-connection.ts), so both read the same way.
  for (const p of ['busy_timeout = 5000', 'journal_mode = WAL', 'synchronous = NORMAL', 'cache_size = -16000', 'temp_store = MEMORY', 'mmap_size = 0']) db.pragma(p);
  return db;
}
const dialect = sqlite ? new SqliteDialect({ database: openSqlite() }) : new PostgresDialect({ pool: new (require('pg').Pool)({ connectionString: url, max: 15 }) });
const db = new Kysely({ dialect });
const key = createSecretKey(Buffer.from(secret));
const app = express();
app.use(express.json());

/** The caller's claims, or undefined after answering 401. */
function caller(req, res) {
  try {
    return jwt.verify(String(req.headers.authorization).slice(7), key, { algorithms: ['HS256'] });
  } catch {
    res.status(401).json({ error: 'Authentication failed' });
    return undefined;
  }
}

const wrap = (fn) => (req, res) => fn(req, res).catch((e) => res.status(500).json({ error: String(e.message) }));

app.get('/api/v1/records/:c/:id', wrap(async (req, res) => {
  const c = caller(req, res);
  if (!c) return;
  const row = await db.selectFrom(table).selectAll().where('account_id', '=', c.account_id).where('id', '=', req.params.id).executeTakeFirst();
  if (!row) return res.status(404).json({ error: 'Not found' });
  res.json(row);
}));

app.get('/api/v1/records/:c', wrap(async (req, res) => {
  const c = caller(req, res);
  if (!c) return;
  let q = db.selectFrom(table).where(`${table}.account_id`, '=', c.account_id);
  q = req.query.mode === 'owner' ? q.where('created_by', '=', c.user_id) : q.where('status', '=', 'open').where('score', '>', 50);
  const [items, count] = await Promise.all([
    q.innerJoin('accounts', 'accounts.id', `${table}.account_id`).selectAll(table).select('accounts.name as account_name').orderBy(`${table}.created_at`, 'desc').orderBy(`${table}.id`, 'desc').limit(20).execute(),
    q.select(sql`count(*)`.as('n')).executeTakeFirst(),
  ]);
  res.json({ items, total: Number(count.n), skip: 0, limit: 20 });
}));

// The same UUID version 7 ids SnackBase gives records (@snackbase/db timeOrderedId), so both
// servers insert into their indexes the same way.
function timeOrderedId() {
  const time = Date.now().toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8)}-7${randomUUID().slice(15)}`;
}

app.post('/api/v1/records/:c', wrap(async (req, res) => {
  const c = caller(req, res);
  if (!c) return;
  const now = new Date().toISOString();
  const row = { id: timeOrderedId(), account_id: c.account_id, created_at: now, created_by: c.user_id, updated_at: now, updated_by: c.user_id,
    title: String(req.body.title ?? ''), score: Number(req.body.score ?? 0), status: String(req.body.status ?? 'open') };
  await db.insertInto(table).values(row).execute();
  res.status(201).json(row);
}));

app.listen(Number(port), '127.0.0.1', () => process.send?.('ready'));
// Exit normally on SIGTERM, so `--cpu-prof` (BENCH_BARE_NODE_ARGS) writes its profile.
process.on('SIGTERM', () => process.exit(0));
