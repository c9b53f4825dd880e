import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDialect } from '../test-database';
import { http } from './http';
import { ADMIN_DIR, MAIN_JS, assertBuilt } from './paths';
import { freePort } from './ports';

/** Environment overrides; `undefined` removes a variable the helper would otherwise set. */
export type EnvOverrides = Readonly<Record<string, string | undefined>>;

/** A fresh temporary folder (a server's working directory, so `./sb_data` is isolated). */
export function tempDir(prefix = 'sb-e2e-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * The environment a child process runs with: the parent's, minus every `SNACKBASE_*` and `PORT`
 * (so a developer's shell cannot leak into a test), plus `base`, plus `overrides`.
 */
export function childEnv(base: EnvOverrides, overrides: EnvOverrides = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // Colour switches too: FORCE_COLOR next to NO_COLOR makes Node warn on stderr.
    if (k.startsWith('SNACKBASE_') || ['PORT', 'NODE_OPTIONS', 'FORCE_COLOR', 'NO_COLOR'].includes(k)) continue;
    env[k] = v;
  }
  for (const [k, v] of Object.entries({ ...base, ...overrides })) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** A database for one test: its URL and how to remove it afterwards. */
export interface E2eDatabase {
  readonly dialect: TestDialect;
  readonly url: string;
  /** PostgreSQL: the database name (for building other URL forms). */
  readonly name: string;
  destroy(): Promise<void>;
}

/**
 * A fresh database: a new PostgreSQL database on the shared server (fails, never skips, when it
 * is unreachable), or for SQLite an absolute `sqlite:////…` file in a new temp folder.
 */
export async function e2eDatabase(dialect: TestDialect): Promise<E2eDatabase> {
  const t = await createTestDatabase(dialect);
  // We only need the URL: the server process opens its own connections.
  await t.db.destroy();
  const name = dialect === 'postgres' ? new URL(t.url).pathname.slice(1) : '';
  return { dialect, url: t.url, name, destroy: () => t.destroy() };
}

/** Options of {@link startServer}. */
export interface StartOptions {
  readonly dialect: TestDialect;
  /** Extra or replaced environment (e.g. `SNACKBASE_LOG_LEVEL: 'info'`). */
  readonly env?: EnvOverrides;
  /** Working directory; a fresh temp folder by default (removed on stop). */
  readonly cwd?: string;
  /**
   * The database URL. Default: SQLite uses the server's own default (`./sb_data/snackbase.db`
   * in `cwd`); PostgreSQL gets a fresh database, dropped on stop.
   */
  readonly databaseUrl?: string;
  readonly readyTimeoutMs?: number;
}

/** A running server process. */
export interface StartedServer {
  readonly url: string;
  readonly port: number;
  readonly cwd: string;
  readonly proc: ChildProcess;
  readonly databaseUrl: string | undefined;
  /** stdout and stderr so far. */
  logs(): string;
  stdout(): string;
  stderr(): string;
  /** stdout parsed as JSON lines (throws naming the first line that is not JSON). */
  logLines(): Record<string, unknown>[];
  /** Waits until a log line matches (the "request completed" line is written after the answer). */
  waitForLog(predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** SIGTERM, then waits for the exit; resolves with the exit code and how long it took. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Parses JSON log lines; an empty line is skipped, any other non-JSON line fails. */
export function parseLogLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        throw new Error(`log line is not JSON: ${l}`);
      }
    });
}

/**
 * Spawns `node dist/apps/api/main.js serve` on 127.0.0.1 and a free port and waits until
 * `GET /ready` answers 200. On failure the message carries the process's output.
 */
export async function startServer(options: StartOptions): Promise<StartedServer> {
  assertBuilt();
  const ownCwd = options.cwd === undefined;
  const cwd = options.cwd ?? tempDir();
  let ownDb: E2eDatabase | undefined;
  let databaseUrl = options.databaseUrl;
  if (databaseUrl === undefined && options.dialect === 'postgres') {
    ownDb = await e2eDatabase('postgres');
    databaseUrl = ownDb.url;
  }
  const port = await freePort();
  const env = childEnv(
    {
      SNACKBASE_HOST: '127.0.0.1',
      SNACKBASE_PORT: String(port),
      SNACKBASE_DATABASE_URL: databaseUrl,
      SNACKBASE_STATIC_DIR: ADMIN_DIR,
      SNACKBASE_LOG_LEVEL: 'warn',
    },
    options.env,
  );
  const proc = spawn(process.execPath, [MAIN_JS, 'serve'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const cleanup = async () => {
    if (ownDb) await ownDb.destroy();
    if (ownCwd) rmSync(cwd, { recursive: true, force: true });
  };
  const describeOutput = () => `exit: ${exit ? JSON.stringify(exit) : 'still running'}\n--- stdout ---\n${out}\n--- stderr ---\n${err}`;

  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  let last = '';
  for (;;) {
    if (exit) {
      await cleanup();
      throw new Error(`server exited before it was ready (${options.dialect})\n${describeOutput()}`);
    }
    try {
      const res = await http(`${url}/ready`, { timeoutMs: 2000 });
      if (res.status === 200) break;
      last = `${res.status} ${res.text}`;
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      await exited;
      await cleanup();
      throw new Error(`server not ready within ${options.readyTimeoutMs ?? 30_000} ms (last /ready: ${last})\n${describeOutput()}`);
    }
    await sleep(100);
  }

  let stopping: Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> | undefined;
  const server: StartedServer = {
    url,
    port,
    cwd,
    proc,
    databaseUrl,
    logs: () => out + err,
    stdout: () => out,
    stderr: () => err,
    logLines: () => parseLogLines(out),
    async waitForLog(predicate, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const hit = parseLogLines(out).find(predicate);
        if (hit) return hit;
        if (Date.now() > until) throw new Error(`no matching log line within ${timeoutMs} ms\n${describeOutput()}`);
        await sleep(50);
      }
    },
    stop() {
      stopping ??= (async () => {
        const started = Date.now();
        if (!exit) proc.kill('SIGTERM');
        const killer = setTimeout(() => proc.kill('SIGKILL'), 20_000);
        const result = await exited;
        clearTimeout(killer);
        const ms = Date.now() - started;
        await cleanup();
        return { ...result, ms };
      })();
      return stopping;
    },
  };
  return server;
}

/** The result of one CLI run. */
export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `node dist/apps/api/main.js <args>` to completion in `cwd` (stdin is not a terminal).
 * The environment is cleaned like {@link startServer}'s; the log level defaults to warn.
 */
export function runCli(args: readonly string[], options: { env?: EnvOverrides; cwd: string; timeoutMs?: number }): CliResult {
  assertBuilt();
  const r = spawnSync(process.execPath, [MAIN_JS, ...args], {
    cwd: options.cwd,
    env: childEnv({ SNACKBASE_LOG_LEVEL: 'warn' }, options.env),
    encoding: 'utf8',
    input: '',
    timeout: options.timeoutMs ?? 30_000,
  });
  if (r.error) throw new Error(`snackbase ${args.join(' ')} failed to run: ${r.error.message}\n${r.stdout}\n${r.stderr}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A readable description of a CLI result for failure messages. */
export function show(r: CliResult): string {
  return `status ${r.status}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}
