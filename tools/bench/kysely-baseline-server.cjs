// The bare baseline the API benchmark compares against: Express + Kysely + jsonwebtoken doing
// the same work as SnackBase's GET /api/v1/auth/me (verify the JWT, check the user and the
// session with two indexed queries, answer JSON), with no SnackBase code in between.
// Usage: node kysely-baseline-server.cjs <port> <database-url> <jwt-secret>
'use strict';
const { createSecretKey } = require('node:crypto');
const express = require('express');
const jwt = require('jsonwebtoken');
const { Kysely, PostgresDialect, SqliteDialect } = require('kysely');

const [port, url, secret] = process.argv.slice(2);
const dialect = url.startsWith('sqlite')
  ? new SqliteDialect({ database: new (require('better-sqlite3'))(url.replace(/^sqlite:\/\/\//, '')) })
  : new PostgresDialect({ pool: new (require('pg').Pool)({ connectionString: url, max: 15 }) });
const db = new Kysely({ dialect });
const key = createSecretKey(Buffer.from(secret));
const app = express();
app.get('/health', (_req, res) => res.json({ status: 'healthy' }));
app.get('/api/v1/auth/me', async (req, res) => {
  try {
    const c = jwt.verify(String(req.headers.authorization).slice(7), key, { algorithms: ['HS256'] });
    const [user, token] = await Promise.all([
      db.selectFrom('users').select('is_active').where('account_id', '=', c.account_id).where('id', '=', c.user_id).executeTakeFirst(),
      db.selectFrom('refresh_tokens').select('id').where('account_id', '=', c.account_id).where('family_id', '=', c.sid).where('is_revoked', '=', url.startsWith('sqlite') ? 0 : false).limit(1).executeTakeFirst(),
    ]);
    if (!user || !token) return res.status(401).json({ error: 'x' });
    res.json({ user_id: c.user_id, account_id: c.account_id, email: c.email, role: c.role });
  } catch {
    res.status(401).json({ error: 'x' });
  }
});
app.listen(Number(port), '127.0.0.1', () => process.send?.('ready'));
