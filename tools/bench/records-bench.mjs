#!/usr/bin/env node
// The records benchmark (`npm run bench`, after api-throughput.mjs): the built SnackBase server
// on loopback with a collection of N records (default 100,000) spread over A accounts (100), one
// user per account owning that account's rows, measured with autocannon (C connections, S
// seconds, after a warm-up run) on SQLite and PostgreSQL:
//   view by id · list with filter + sort + page of 20 · list under an owner rule
//   (`created_by = @request.auth.id`) · create
// and, in the same run, a bare Express + Kysely server (records-baseline-server.cjs) doing the
// same queries with the same JWT check and no rules, hooks or audit: the floor of our stack.
// Prints req/s, p50, p99 and server RSS for each and the ratio to the bare server, as a table and
// as JSON in dist/bench/records.json.
//
// Flags (or env): --records N (BENCH_RECORDS, 100000) --accounts A (BENCH_ACCOUNTS, 100)
//   --duration S (BENCH_SECONDS, 10) --warmup S (BENCH_WARMUP_SECONDS, 3)
//   --connections C (BENCH_CONNECTIONS, 50) --dialects sqlite,postgres (BENCH_DIALECTS)
//   --token-users K (BENCH_TOKEN_USERS, 20): users signed in and rotated between requests.
//   BENCH_SERVER_MAIN: another server bundle than dist/apps/api/main.js (development only).
//   --only NAME (BENCH_ONLY): run only the endpoints whose name contains NAME (e.g. create).
//   BENCH_SERVER_NODE_ARGS: extra node flags for the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
//   BENCH_BARE_NODE_ARGS: the same for the bare server, to compare profiles.
//   --stats (BENCH_STATS=1): both servers preload diagnostics/server-stats.cjs and each row gets
//   their in-server time, event-loop delay, GC pauses and peak memory of the measured run
//   (printed, and in the JSON). diagnostics/alloc-sampler.cjs and profile-summary.mjs go with
//   BENCH_SERVER_NODE_ARGS for allocation and CPU profiles.
// While developing on a shared machine: --records 2000 --duration 2 --warmup 1.
import { fork, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { benchDatabase } from './bench-database.mjs';
import { cpuMsOf, freePort, rssOf, waitFor } from './bench-process.mjs';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function option(flag, env, fallback) {
  const i = process.argv.indexOf(`--${flag}`);
  if (i > 0 && process.argv[i + 1] !== undefined) return process.argv[i + 1];
  return process.env[env] ?? fallback;
}
const cfg = {
  records: Number(option('records', 'BENCH_RECORDS', 100_000)),
  accounts: Number(option('accounts', 'BENCH_ACCOUNTS', 100)),
  seconds: Number(option('duration', 'BENCH_SECONDS', 10)),
  warmup: Number(option('warmup', 'BENCH_WARMUP_SECONDS', 3)),
  connections: Number(option('connections', 'BENCH_CONNECTIONS', 50)),
  dialects: String(option('dialects', 'BENCH_DIALECTS', 'sqlite,postgres')).split(','),
  tokenUsers: Number(option('token-users', 'BENCH_TOKEN_USERS', 20)),
  only: option('only', 'BENCH_ONLY', ''),
  stats: process.argv.includes('--stats') || process.env.BENCH_STATS === '1',
};
const secret = 'b'.repeat(64);
const adminPassword = 'Bench-Admin-Pass-1!';
const userPassword = 'Bench-User-Pass-1!';
const COLLECTION = 'bench_items';
const TABLE = `col_${COLLECTION}`;
const STATUSES = ['open', 'closed', 'draft'];
const SEED_BATCH = 500;
const VIEW_IDS_PER_ACCOUNT = 200;

const log = (line) => process.stderr.write(`[records-bench] ${line}\n`);
// The V8 flags `npm start` and the Dockerfile run the server with; the bare server gets them
// too, so both run on the same runtime settings.
const RUNTIME_FLAGS = ['--max-semi-space-size=4', '--heap-growing-percent=100'];
const STATS_FLAGS = cfg.stats ? ['--require', join(root, 'tools/bench/diagnostics/server-stats.cjs')] : [];
const statsFile = join(mkdtempSync(join(tmpdir(), 'sb-rbench-stats-')), 'server-stats.jsonl');
const pick = (list) => list[Math.floor(Math.random() * list.length)];
async function api(base, method, path, token, body) {
  const res = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

/** A SQL runner on the bench database: `batch(table, columns, rows)` inserts in one transaction. */
async function sqlSeeder(dialect, db) {
  if (dialect === 'sqlite') {
    const Database = require('better-sqlite3');
    const conn = new Database(db.file);
    conn.pragma('busy_timeout = 10000');
    return {
      async insert(table, columns, rows) {
        const stmt = conn.prepare(`insert into "${table}" (${columns.map((c) => `"${c}"`).join(',')}) values (${columns.map(() => '?').join(',')})`);
        conn.transaction((all) => { for (const r of all) stmt.run(columns.map((c) => r[c])); })(rows);
      },
      bool: (b) => (b ? 1 : 0),
      // SQLite has no background statistics job that could start during a measurement.
      settle: async () => undefined,
      close: async () => conn.close(),
    };
  }
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  return {
    async insert(table, columns, rows) {
      await client.query('begin');
      for (let i = 0; i < rows.length; i += SEED_BATCH) {
        const chunk = rows.slice(i, i + SEED_BATCH);
        const params = [];
        const tuples = chunk.map((r) => `(${columns.map((c) => { params.push(r[c]); return `$${params.length}`; }).join(',')})`);
        await client.query(`insert into "${table}" (${columns.map((c) => `"${c}"`).join(',')}) values ${tuples.join(',')}`, params);
      }
      await client.query('commit');
    },
    bool: (b) => b,
    // Statistics and the visibility map now, not when autovacuum wakes up in the middle of one
    // server's measurement (it did: a run's p99 could double with it, for either server).
    settle: async () => { await client.query('vacuum analyze'); },
    close: () => client.end(),
  };
}

/** Accounts, one user each, and the records: SQL in batches, not one HTTP call per row. */
async function seed(dialect, db) {
  const started = Date.now();
  const { hash } = require('@node-rs/argon2');
  const passwordHash = await hash(userPassword);
  const seeder = await sqlSeeder(dialect, db);
  try {
    const accounts = Array.from({ length: cfg.accounts }, (_, i) => ({
      id: randomUUID(), account_code: `BN${String(i).padStart(4, '0')}`, slug: `bench-${i}`, name: `Bench ${i}`,
      user: { id: randomUUID(), email: `user${i}@bench.test` }, viewIds: [],
    }));
    await seeder.insert('accounts', ['id', 'account_code', 'slug', 'name'], accounts);
    await seeder.insert('users', ['id', 'account_id', 'email', 'password_hash', 'role_id', 'email_verified'],
      accounts.map((a) => ({ id: a.user.id, account_id: a.id, email: a.user.email, password_hash: passwordHash, role_id: 2, email_verified: seeder.bool(true) })));
    const columns = ['id', 'account_id', 'created_at', 'created_by', 'updated_at', 'updated_by', 'title', 'score', 'status'];
    const t0 = Date.parse('2026-01-01T00:00:00.000Z');
    for (let from = 0; from < cfg.records; from += 5000) {
      const rows = [];
      for (let i = from; i < Math.min(cfg.records, from + 5000); i++) {
        const a = accounts[i % accounts.length];
        // The row's number inside its account: scores and statuses vary within every account.
        const n = Math.floor(i / accounts.length);
        const at = new Date(t0 + i * 1000).toISOString();
        const id = randomUUID();
        if (a.viewIds.length < VIEW_IDS_PER_ACCOUNT) a.viewIds.push(id);
        rows.push({ id, account_id: a.id, created_at: at, created_by: a.user.id, updated_at: at, updated_by: a.user.id, title: `Item ${i}`, score: (n * 37) % 100, status: STATUSES[n % 3] });
      }
      await seeder.insert(TABLE, columns, rows);
      log(`${dialect}: seeded ${Math.min(cfg.records, from + 5000)}/${cfg.records} records`);
    }
    await seeder.settle();
    log(`${dialect}: seeding took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return accounts;
  } finally {
    await seeder.close();
  }
}

/** One autocannon run; `next()` gives each request's method, path, token and body. */
async function load(base, next, seconds) {
  const r = await autocannon({
    url: base, connections: cfg.connections, duration: seconds,
    requests: [{ setupRequest: (req) => {
      const n = next();
      return { ...req, method: n.method, path: n.path, headers: { ...req.headers, authorization: `Bearer ${n.token}`, ...(n.body ? { 'content-type': 'application/json' } : {}) }, body: n.body ? JSON.stringify(n.body) : undefined };
    } }],
  });
  return { rps: r.requests.average, total: r.requests.total, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}

async function measure(base, pid, next) {
  if (cfg.warmup > 0) await load(base, next, cfg.warmup); // warm-up, discarded
  if (cfg.stats) process.kill(pid, 'SIGUSR2'); // server-stats.cjs: measure from here
  const cpu0 = cpuMsOf(pid);
  const m = await load(base, next, cfg.seconds);
  return { ...m, rss: rssOf(pid), cpuPerRequest: (cpuMsOf(pid) - cpu0) / Math.max(1, m.total), stats: cfg.stats ? await serverStats(pid) : undefined };
}

/** The measured run's line of server-stats.cjs for `pid` (it appends one on SIGHUP). */
async function serverStats(pid) {
  process.kill(pid, 'SIGHUP');
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 20));
    let lines = [];
    try { lines = readFileSync(statsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l)); } catch { /* not written yet */ }
    const mine = lines.filter((l) => l.pid === pid);
    if (mine.length > (measuredStats.get(pid) ?? 0)) {
      measuredStats.set(pid, mine.length);
      return mine.at(-1);
    }
  }
  throw new Error(`no server stats from process ${pid}`);
}
const measuredStats = new Map();

/** The four measured endpoints; each request is built for a user (its token, its account's ids). */
function scenarios() {
  const filter = encodeURIComponent('status = "open" && score > 50');
  const body = () => ({ title: `New ${randomUUID().slice(0, 8)}`, score: Math.floor(Math.random() * 100), status: pick(STATUSES) });
  const view = (u) => ({ method: 'GET', path: `/api/v1/records/${COLLECTION}/${pick(u.viewIds)}`, token: u.token });
  const create = (u) => ({ method: 'POST', path: `/api/v1/records/${COLLECTION}`, token: u.token, body: body() });
  return [
    { name: 'view by id', sb: view, bare: view },
    { name: 'list filter+sort, 20', sb: (u) => ({ method: 'GET', path: `/api/v1/records/${COLLECTION}?filter=${filter}&sort=-created_at&limit=20`, token: u.token }),
      bare: (u) => ({ method: 'GET', path: `/api/v1/records/${COLLECTION}?mode=filter`, token: u.token }) },
    { name: 'list owner rule, 20', rules: { list_rule: 'created_by = @request.auth.id' },
      sb: (u) => ({ method: 'GET', path: `/api/v1/records/${COLLECTION}?limit=20`, token: u.token }),
      bare: (u) => ({ method: 'GET', path: `/api/v1/records/${COLLECTION}?mode=owner`, token: u.token }) },
    { name: 'create', sb: create, bare: create },
  ];
}

/**
 * One request of the scenario to each server before measuring: both must answer 2xx, and the
 * lists must find the same rows (same total, a full page), or the comparison means nothing.
 */
async function probe(dialect, s, base, bare, user) {
  const one = async (server, n) => {
    const res = await fetch(`${server}${n.path}`, { method: n.method, headers: { authorization: `Bearer ${n.token}`, 'content-type': 'application/json' }, body: n.body ? JSON.stringify(n.body) : undefined });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(`${dialect}: ${s.name}: ${server}${n.path} answered ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
    return body;
  };
  const [a, b] = [await one(base, s.sb(user)), await one(bare, s.bare(user))];
  if (Array.isArray(a.items)) {
    log(`${dialect}: ${s.name}: SnackBase total ${a.total}, ${a.items.length} items; bare total ${b.total}, ${b.items.length} items`);
    if (a.total !== b.total || a.items.length !== b.items.length || a.items.length === 0) throw new Error(`${dialect}: ${s.name}: the two servers do not return the same rows`);
  }
}

async function benchDialect(dialect) {
  const dir = mkdtempSync(join(tmpdir(), 'sb-rbench-'));
  const db = await benchDatabase(dialect, dir, 'sb_rbench');
  const port = await freePort();
  const env = { ...process.env, SNACKBASE_HOST: '127.0.0.1', SNACKBASE_PORT: String(port), SNACKBASE_DATABASE_URL: db.url, SNACKBASE_DATA_DIR: dir,
    SNACKBASE_LOG_LEVEL: 'error', SNACKBASE_SECRET_KEY: secret, SNACKBASE_TOKEN_SECRET: secret, SNACKBASE_ENCRYPTION_KEY: secret,
    SNACKBASE_SUPERADMIN_EMAIL: 'bench@example.com', SNACKBASE_SUPERADMIN_PASSWORD: adminPassword, SNACKBASE_RATE_LIMIT_ENABLED: 'false',
    SNACKBASE_AUTH_RATE_LIMIT_PER_IP: '0', SNACKBASE_AUTH_RATE_LIMIT_PER_IDENTITY: '0', NODE_ENV: 'production', BENCH_STATS_OUT: statsFile };
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server (profile before you optimise).
  // Started as `npm start` and the Dockerfile start it (RUNTIME_FLAGS), plus any extra flags.
  const nodeArgs = [...RUNTIME_FLAGS, ...STATS_FLAGS, ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  const server = spawn(process.execPath, [...nodeArgs, process.env.BENCH_SERVER_MAIN ?? join(root, 'dist/apps/api/main.js'), 'serve'], { env, cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  let baseline;
  try {
    await waitFor(`${base}/ready`, 60_000);
    const { token: admin } = await api(base, 'POST', '/api/v1/auth/login', undefined, { account: 'system', email: 'bench@example.com', password: adminPassword });
    await api(base, 'POST', '/api/v1/collections', admin, {
      name: COLLECTION,
      schema: [{ name: 'title', type: 'text', required: true }, { name: 'score', type: 'number' }, { name: 'status', type: 'text' }],
      list_rule: '', view_rule: '', create_rule: '', update_rule: null, delete_rule: null,
    });
    const accounts = await seed(dialect, db);
    const users = [];
    for (const a of accounts.slice(0, Math.max(1, cfg.tokenUsers))) {
      const { token } = await api(base, 'POST', '/api/v1/auth/login', undefined, { account: a.slug, email: a.user.email, password: userPassword });
      users.push({ token, viewIds: a.viewIds });
    }
    const baselinePort = await freePort();
    baseline = fork(join(root, 'tools/bench/records-baseline-server.cjs'), [String(baselinePort), db.url, secret, TABLE], { stdio: 'inherit', env: { ...process.env, BENCH_STATS_OUT: statsFile }, execArgv: [...RUNTIME_FLAGS, ...STATS_FLAGS, ...(process.env.BENCH_BARE_NODE_ARGS ?? '').split(' ').filter(Boolean)] });
    await new Promise((r) => baseline.once('message', r));
    const bare = `http://127.0.0.1:${baselinePort}`;
    const rows = [];
    for (const s of scenarios().filter((x) => !cfg.only || x.name.includes(cfg.only))) {
      if (s.rules) await api(base, 'PUT', `/api/v1/collections/${COLLECTION}/rules`, admin, s.rules);
      await probe(dialect, s, base, bare, users[0]);
      log(`${dialect}: ${s.name}`);
      const sb = await measure(base, server.pid, () => s.sb(pick(users)));
      const k = await measure(bare, baseline.pid, () => s.bare(pick(users)));
      if (sb.non2xx || sb.errors) log(`${dialect}: ${s.name}: SnackBase answered ${sb.non2xx} non-2xx and ${sb.errors} errors`);
      if (k.non2xx || k.errors) log(`${dialect}: ${s.name}: bare server answered ${k.non2xx} non-2xx and ${k.errors} errors`);
      rows.push({ dialect, endpoint: s.name, snackbase_rps: Math.round(sb.rps), bare_rps: Math.round(k.rps), ratio: +(sb.rps / k.rps).toFixed(2),
        snackbase_p50_ms: sb.p50, snackbase_p99_ms: sb.p99, bare_p50_ms: k.p50, bare_p99_ms: k.p99,
        snackbase_rss_mb: Math.round(sb.rss), bare_rss_mb: Math.round(k.rss),
        snackbase_cpu_ms: +sb.cpuPerRequest.toFixed(3), bare_cpu_ms: +k.cpuPerRequest.toFixed(3), cpu_ratio: +(k.cpuPerRequest / sb.cpuPerRequest).toFixed(2), snackbase_non2xx: sb.non2xx, bare_non2xx: k.non2xx,
        ...(cfg.stats ? { snackbase_stats: sb.stats, bare_stats: k.stats } : {}) });
    }
    return rows;
  } finally {
    baseline?.kill();
    server.kill('SIGTERM');
    await new Promise((r) => (server.exitCode === null ? server.once('exit', r) : r()));
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const all = [];
for (const d of cfg.dialects) all.push(...(await benchDialect(d)));
console.log(`records bench: ${cfg.records} records over ${cfg.accounts} accounts; autocannon ${cfg.connections} connections, ${cfg.seconds} s per run after a ${cfg.warmup} s warm-up, loopback`);
const hidden = new Set(['snackbase_non2xx', 'bare_non2xx', 'snackbase_stats', 'bare_stats']);
console.table(all.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !hidden.has(k)))));
if (cfg.stats) {
  // One row per server and endpoint: where the time went inside the process (server-stats.cjs).
  const gcMs = (gc) => Object.values(gc).reduce((sum, k) => sum + k.total_ms, 0);
  const gcMax = (gc) => Math.max(0, ...Object.values(gc).map((k) => k.max_ms));
  console.table(all.flatMap((r) => [['snackbase', r.snackbase_stats], ['bare', r.bare_stats]].map(([server, st]) => ({
    dialect: r.dialect, endpoint: r.endpoint, server, in_server_p50_ms: st.in_server_ms.p50, in_server_p99_ms: st.in_server_ms.p99,
    loop_delay_p99_ms: st.loop_delay_ms.p99, gc_ms: gcMs(st.gc), gc_longest_ms: gcMax(st.gc), peak_rss_mb: st.peak_mb.rss, peak_heap_mb: st.peak_mb.heap_total,
  }))));
}
const summary = { generated_at: new Date().toISOString(), config: cfg, results: all };
mkdirSync(join(root, 'dist', 'bench'), { recursive: true });
writeFileSync(join(root, 'dist', 'bench', 'records.json'), `${JSON.stringify(summary, null, 2)}\n`);
console.log(JSON.stringify(summary));
