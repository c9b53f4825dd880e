#!/usr/bin/env node
// `npm run bench` (nx run api:bench): autocannon on loopback against the built SnackBase server
// and against a bare Express + Kysely server doing the same work, on SQLite and PostgreSQL.
// Prints req/s, latency and RSS for both and the ratio SnackBase / baseline.
// Env: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 50), BENCH_DIALECTS (sqlite,postgres).
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { benchDatabase } from './bench-database.mjs';
import { freePort, rssOf, waitFor } from './bench-process.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const dialects = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',');
const secret = 'b'.repeat(64);
const password = 'Bench-Admin-Pass-1!';

async function load(url, headers) {
  const r = await autocannon({ url, connections, duration: seconds, headers });
  if (r.non2xx || r.errors) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99 };
}

async function benchDialect(dialect) {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-'));
  const db = await benchDatabase(dialect, dir, 'sb_bench');
  const port = await freePort();
  const env = { ...process.env, SNACKBASE_HOST: '127.0.0.1', SNACKBASE_PORT: String(port), SNACKBASE_DATABASE_URL: db.url, SNACKBASE_DATA_DIR: dir,
    SNACKBASE_LOG_LEVEL: 'error', SNACKBASE_SECRET_KEY: secret, SNACKBASE_TOKEN_SECRET: secret, SNACKBASE_ENCRYPTION_KEY: secret,
    SNACKBASE_SUPERADMIN_EMAIL: 'bench@example.com', SNACKBASE_SUPERADMIN_PASSWORD: password, NODE_ENV: 'production' };
  const server = spawn(process.execPath, [join(root, 'dist/apps/api/main.js'), 'serve'], { env, cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${base}/ready`, 30_000);
    const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ account: 'system', email: 'bench@example.com', password }) });
    const { token } = await login.json();
    const auth = { authorization: `Bearer ${token}` };
    const baselinePort = await freePort();
    const baseline = fork(join(root, 'tools/bench/kysely-baseline-server.cjs'), [String(baselinePort), db.url, secret], { stdio: 'inherit' });
    await new Promise((r) => baseline.once('message', r));
    const bare = `http://127.0.0.1:${baselinePort}`;
    try {
      const rows = [];
      for (const [name, path, headers] of [['GET /health', '/health', {}], ['GET /api/v1/auth/me (JWT + session check)', '/api/v1/auth/me', auth]]) {
        await load(`${base}${path}`, headers); // warm-up run, discarded
        const sb = await load(`${base}${path}`, headers);
        const sbRss = rssOf(server.pid);
        await load(`${bare}${path}`, headers);
        const k = await load(`${bare}${path}`, headers);
        rows.push({ dialect, endpoint: name, snackbase_rps: Math.round(sb.rps), baseline_rps: Math.round(k.rps), ratio: +(sb.rps / k.rps).toFixed(2),
          snackbase_p99_ms: sb.p99, baseline_p99_ms: k.p99, snackbase_rss_mb: Math.round(sbRss), baseline_rss_mb: Math.round(rssOf(baseline.pid)) });
      }
      return rows;
    } finally {
      baseline.kill();
    }
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const all = [];
for (const d of dialects) all.push(...(await benchDialect(d)));
console.log(`autocannon: ${connections} connections, ${seconds} s per run, loopback, after a warm-up run`);
console.table(all);
