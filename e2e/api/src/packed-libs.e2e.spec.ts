import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from '@snackbase/testing';
import { e2eDatabase, tempDir, type E2eDatabase } from '@snackbase/testing';

// "Embed a lib in another Node service": the publishable libs, packed with `npm pack` from
// dist/, installed together into a scratch project outside the workspace and used with plain
// `node`. better-sqlite3 is an optional peer of @snackbase/db and deliberately not installed.

jest.setTimeout(180_000);

const PUBLISHABLE = ['contract', 'rules', 'db', 'tenancy', 'auth'] as const;
type Lib = (typeof PUBLISHABLE)[number];
const built = PUBLISHABLE.filter((name) => existsSync(join(WORKSPACE_ROOT, 'dist/libs', name, 'package.json')));

interface PackResult {
  readonly name: string;
  readonly version: string;
  readonly filename: string;
  readonly files: readonly { path: string }[];
}

/** npm with none of the parent's npm_* variables (an `npm test` run must not redirect installs). */
function npm(args: readonly string[], cwd: string, timeoutMs = 150_000): string {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  const r = spawnSync('npm', args, { cwd, env, encoding: 'utf8', timeout: timeoutMs });
  if (r.error || r.status !== 0) {
    throw new Error(`npm ${args.join(' ')} in ${cwd} failed (${r.error?.message ?? `status ${r.status}`})\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

/** Runs in the scratch project with plain `node`; one JSON object per lib on stdout. */
const CHECK_SCRIPT = String.raw`
'use strict';
const out = {};
async function check(name, fn) {
  try {
    out[name] = { ok: true, ...(await fn()) };
  } catch (e) {
    out[name] = { ok: false, error: String((e && e.message) || e) };
  }
}

(async () => {
  await check('contract', () => {
    const c = require('@snackbase/contract');
    return { hasNotFound: c.ERROR_CODES.includes('not_found'), hasInvalidJson: c.ERROR_CODES.includes('invalid_json'), errorBodyType: c.errorBodySchema.type };
  });

  await check('rules', () => {
    const r = require('@snackbase/rules');
    const { Kysely, DummyDriver, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } = require('kysely');
    const k = new Kysely({
      dialect: {
        createAdapter: () => new PostgresAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (db) => new PostgresIntrospector(db),
        createQueryCompiler: () => new PostgresQueryCompiler(),
      },
    });
    const fields = [{ name: 'price', type: 'number' }, { name: 'status', type: 'text' }];
    const resolver = r.createFilterResolver({ fields });
    const where = r.compileExpression("price > 5 && status = 'published'", { resolver, kind: 'filter', dialect: 'postgres' });
    const q = k.selectFrom('col_posts').selectAll().where(where).compile();
    let syntaxError = null;
    try {
      r.parseExpression('price >');
    } catch (e) {
      syntaxError = { isRuleSyntaxError: e instanceof r.RuleSyntaxError, position: e.position };
    }
    let unknownField = null;
    try {
      r.compileExpression('secret = 1', { resolver, kind: 'filter', dialect: 'postgres' });
    } catch (e) {
      unknownField = e instanceof r.RuleCheckError;
    }
    const prepared = r.prepareExpression("price > 5 && status = 'published'", { resolver, kind: 'filter' });
    const evaluated = [
      r.matches(prepared.ast, { record: { price: 7, status: 'published' } }),
      r.matches(prepared.ast, { record: { price: 3, status: 'published' } }),
    ];
    return { sql: q.sql, parameters: q.parameters, syntaxError, unknownField, evaluated };
  });

  await check('db', async () => {
    const d = require('@snackbase/db');
    const dialect = d.parseDatabaseUrl('postgresql+asyncpg://u@h/d').dialect;
    const db = d.createDatabase({ url: process.env.PG_URL });
    try {
      const applied = await d.migrateToLatest(db);
      const row = await db.kysely.selectFrom('accounts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      return { dialect, applied: applied.length, accounts: Number(row.n), ping: await db.ping() };
    } finally {
      await db.close();
    }
  });

  await check('tenancy', () => {
    const t = require('@snackbase/tenancy');
    const { Kysely, DummyDriver, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } = require('kysely');
    const k = new Kysely({
      dialect: {
        createAdapter: () => new PostgresAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (db) => new PostgresIntrospector(db),
        createQueryCompiler: () => new PostgresQueryCompiler(),
      },
    });
    const q = t.tenantTable(k, t.accountScope('acc-1'), 'users').select().selectAll().compile();
    let refusesInsertWithAccountId = false;
    try {
      t.tenantTable(k, t.accountScope('acc-1'), 'users').insert({ id: 'u1', account_id: 'acc-2' });
    } catch (e) {
      refusesInsertWithAccountId = e instanceof t.TenancyError;
    }
    return { next: t.nextAccountCode('AZ9999'), sql: q.sql, parameters: q.parameters, refusesInsertWithAccountId };
  });

  await check('auth', async () => {
    const a = require('@snackbase/auth');
    const hash = await a.hashPassword('Sup3r-Secret-Pass!');
    return {
      argon2id: hash.startsWith('$argon2id$'),
      right: await a.verifyPassword(hash, 'Sup3r-Secret-Pass!'),
      wrong: await a.verifyPassword(hash, 'Sup3r-Secret-Pass?'),
      weakProblems: a.passwordProblems('weak').length,
    };
  });

  process.stdout.write(JSON.stringify(out));
})();
`;

type CheckResult = { ok: boolean; error?: string } & Record<string, unknown>;

describe('publishable libs packed and embedded in another Node service', () => {
  let packDir: string;
  let scratch: string;
  let pg: E2eDatabase;
  const packed = new Map<Lib, PackResult>();
  let results: Record<string, CheckResult> = {};

  beforeAll(async () => {
    pg = await e2eDatabase('postgres');
    packDir = tempDir('sb-e2e-pack-');
    for (const name of built) {
      const [result] = JSON.parse(npm(['pack', '--json', '--pack-destination', packDir], join(WORKSPACE_ROOT, 'dist/libs', name))) as PackResult[];
      packed.set(name, result);
    }
    scratch = tempDir('sb-e2e-embed-');
    npm(['init', '-y'], scratch);
    writeFileSync(join(scratch, '.npmrc'), 'nodedir=/usr\nfund=false\naudit=false\n');
    // All tarballs in one command: one by one, npm would resolve @snackbase/* deps from the registry.
    const tarballs = [...packed.values()].map((p) => join(packDir, p.filename));
    npm(['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs, 'pg@8.23.1'], scratch);
    writeFileSync(join(scratch, 'check.js'), CHECK_SCRIPT);
    const run = spawnSync(process.execPath, ['check.js'], { cwd: scratch, env: { PATH: process.env['PATH'], PG_URL: pg.url }, encoding: 'utf8', timeout: 60_000 });
    if (run.status !== 0) throw new Error(`check.js failed (status ${run.status})\n${run.stdout}\n${run.stderr}`);
    results = JSON.parse(run.stdout) as Record<string, CheckResult>;
  }, 180_000);

  afterAll(async () => {
    if (pg) await pg.destroy();
    for (const dir of [packDir, scratch]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('every publishable lib was built and packed', () => {
    expect(built).toEqual([...PUBLISHABLE]);
    expect([...packed.keys()]).toEqual([...PUBLISHABLE]);
  });

  it.each(built)('@snackbase/%s has name, version, main, types and ships its .d.ts files', (name) => {
    const manifest = JSON.parse(readFileSync(join(WORKSPACE_ROOT, 'dist/libs', name, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toEqual(
      expect.objectContaining({ name: `@snackbase/${name}`, version: expect.stringMatching(/^\d+\.\d+\.\d+/), main: expect.any(String), types: expect.any(String) }),
    );
    expect(manifest['private']).not.toBe(true);
    const p = packed.get(name);
    expect(p?.name).toBe(`@snackbase/${name}`);
    const files = (p?.files ?? []).map((f) => f.path);
    const strip = (s: unknown) => String(s).replace(/^\.\//, '');
    expect(files).toEqual(expect.arrayContaining(['package.json', strip(manifest['main']), strip(manifest['types'])]));
    // Every compiled module has its declaration next to it.
    const js = files.filter((f) => f.endsWith('.js'));
    expect(js.length).toBeGreaterThan(0);
    for (const f of js) expect(files).toContain(f.replace(/\.js$/, '.d.ts'));
    // Nothing test-only is published.
    expect(files.filter((f) => /\.spec\.|jest\.config|tsconfig/.test(f))).toEqual([]);
    // The installed copy has the same manifest.
    const installed = JSON.parse(readFileSync(join(scratch, 'node_modules/@snackbase', name, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(installed['version']).toBe(manifest['version']);
  });

  it('better-sqlite3 was not installed (optional peer)', () => {
    expect(existsSync(join(scratch, 'node_modules', 'better-sqlite3'))).toBe(false);
    expect(existsSync(join(scratch, 'node_modules', 'pg'))).toBe(true);
  });

  it('@snackbase/contract: ERROR_CODES includes not_found and invalid_json', () => {
    expect(results['contract']).toEqual({ ok: true, hasNotFound: true, hasInvalidJson: true, errorBodyType: 'object' });
  });

  it('@snackbase/rules: a filter compiles to parameterised SQL; bad input throws typed errors', () => {
    const r = results['rules'];
    expect(r).toEqual(expect.objectContaining({ ok: true }));
    expect(r['sql']).toMatch(/^select \* from "col_posts" where \("price" > \$1 and "status" = \$2\)$/);
    expect(r['parameters']).toEqual([5, 'published']);
    expect(r['syntaxError']).toEqual({ isRuleSyntaxError: true, position: expect.any(Number) });
    expect(r['unknownField']).toBe(true);
    expect(r['evaluated']).toEqual([true, false]);
  });

  // better-sqlite3 and pg are optional peers loaded on first use, so a PostgreSQL-only service
  // can embed @snackbase/db without installing (and compiling) better-sqlite3.
  it('@snackbase/db: parses SQLAlchemy URLs, migrates a fresh PostgreSQL database and queries accounts', () => {
    expect(results['db']).toEqual({ ok: true, dialect: 'postgres', applied: expect.any(Number), accounts: 0, ping: true });
    expect(results['db']['applied']).toBeGreaterThan(0);
  });

  it('@snackbase/tenancy: account codes and tenant-guarded queries', () => {
    const t = results['tenancy'];
    expect(t).toEqual(expect.objectContaining({ ok: true, next: 'BA0000', refusesInsertWithAccountId: true }));
    expect(t['sql']).toContain('"users"."account_id" = $1');
    expect(t['parameters']).toEqual(['acc-1']);
  });

  it('@snackbase/auth: Argon2id hash and verify round trip', () => {
    expect(results['auth']).toEqual({ ok: true, argon2id: true, right: true, wrong: false, weakProblems: 4 });
  });
});
