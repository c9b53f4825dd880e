/**
 * Static checks of the delivery files (Dockerfile, .dockerignore, docker-compose.yml).
 *
 * This machine has a Docker client but no engine, so the image is never built here and compose
 * never runs (TOOLCHAIN pitfall 16). These tests parse the files instead and check the facts
 * that break a deployment silently: the stages, the non-root user, the health check, the start
 * command (it must match `npm start`), and the wiring of the compose services.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { load } from 'js-yaml';
import { parseDatabaseUrl } from '@snackbase/db';

const ROOT = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

// ---------------------------------------------------------------------------------------------
// Dockerfile

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

interface Stage {
  readonly from: string;
  readonly name: string | undefined;
  readonly instructions: readonly Instruction[];
}

/** Instructions of a Dockerfile: comments dropped, `\` continuations joined, keywords upper-cased. */
function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('#')) continue; // comments (and parser directives), also inside continuations
    if (line === '' && pending === '') continue;
    const continued = line.endsWith('\\');
    pending += (pending ? ' ' : '') + (continued ? line.slice(0, -1).trim() : line);
    if (continued) continue;
    const m = /^(\S+)\s*(.*)$/.exec(pending);
    if (m?.[1]) out.push({ keyword: m[1].toUpperCase(), args: m[2] ?? '' });
    pending = '';
  }
  if (pending) throw new Error(`Dockerfile ends inside a line continuation: ${pending}`);
  return out;
}

function stagesOf(instructions: readonly Instruction[]): Stage[] {
  const stages: { from: string; name: string | undefined; instructions: Instruction[] }[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const m = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args.trim());
      if (!m?.[1]) throw new Error(`cannot read FROM ${ins.args}`);
      stages.push({ from: m[1], name: m[2], instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(ins);
    }
  }
  return stages;
}

/** Whitespace-separated words, with "double" or 'single' quotes kept together. */
function words(s: string): string[] {
  return [...s.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

/** `ENV a=b c="d e"` and the legacy `ENV a b` form, in order. */
function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const ins of stage.instructions.filter((i) => i.keyword === 'ENV')) {
    if (!/^\S+=/.test(ins.args)) {
      const [key, ...rest] = words(ins.args);
      if (key) env[key] = rest.join(' ');
      continue;
    }
    for (const w of [...ins.args.matchAll(/(\S+?)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)]) {
      const key = w[1] ?? '';
      const value = w[2] ?? '';
      env[key] = /^["']/.test(value) ? value.slice(1, -1) : value;
    }
  }
  return env;
}

/** Exec form (`["node", "main.js"]`) only: a shell-form CMD would keep SIGTERM from node. */
function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === 'string')) throw new Error(`not an exec-form array: ${args}`);
  return parsed as string[];
}

interface Copy {
  readonly from: string | undefined;
  readonly sources: readonly string[];
  readonly dest: string;
  /** WORKDIR in effect, against which a relative `dest` resolves. */
  readonly workdir: string;
}

function copiesOf(stage: Stage): Copy[] {
  const copies: Copy[] = [];
  let workdir = '/';
  for (const ins of stage.instructions) {
    if (ins.keyword === 'WORKDIR') workdir = posix.resolve(workdir, ins.args.trim());
    if (ins.keyword !== 'COPY') continue;
    const all = words(ins.args);
    const flags = all.filter((w) => w.startsWith('--'));
    const paths = all.filter((w) => !w.startsWith('--'));
    const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
    copies.push({ from, sources: paths.slice(0, -1), dest: paths.at(-1) ?? '', workdir });
  }
  return copies;
}

function workdirOf(stage: Stage): string {
  return stage.instructions.filter((i) => i.keyword === 'WORKDIR').reduce((dir, i) => posix.resolve(dir, i.args.trim()), '/');
}

/** Where a COPY put a workspace folder such as `dist/apps/api` inside the image. */
function imagePathOf(stage: Stage, workspaceDir: string): string {
  const re = new RegExp(`(^|/)${workspaceDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/?$`);
  const copy = copiesOf(stage).find((c) => c.from !== undefined && c.sources.some((s) => re.test(s)));
  if (!copy) throw new Error(`the runtime stage copies no ${workspaceDir}`);
  return posix.resolve(copy.workdir, copy.dest);
}

/** The `node <script> <args>` part of the root package.json `start` script. */
function nodeCommandOfStartScript(): string[] {
  const pkg = JSON.parse(read('package.json')) as { scripts?: Record<string, string> };
  const start = pkg.scripts?.['start'];
  if (!start) throw new Error('package.json has no start script');
  const node = start
    .split(/&&|;/)
    .map((part) => words(part.trim()))
    .find((w) => w[0] === 'node');
  if (!node) throw new Error(`the start script runs no node command: ${start}`);
  return node;
}

/** `node [--flags…] script [args…]` split into its parts. */
function splitNodeCommand(command: readonly string[]): { flags: string[]; script: string; args: string[] } {
  const rest = command.slice(1);
  const at = rest.findIndex((w) => !w.startsWith('-'));
  if (at < 0) throw new Error(`no script in: ${command.join(' ')}`);
  return { flags: rest.slice(0, at), script: rest[at] as string, args: rest.slice(at + 1) };
}

describe('Dockerfile', () => {
  const instructions = parseDockerfile(read('Dockerfile'));
  const stages = stagesOf(instructions);
  const runtime = stages.at(-1) as Stage;
  const globalArgs = Object.fromEntries(
    instructions
      .slice(0, instructions.findIndex((i) => i.keyword === 'FROM'))
      .filter((i) => i.keyword === 'ARG')
      .map((i) => {
        const [k, v] = i.args.trim().split('=', 2);
        return [k ?? '', v ?? ''];
      }),
  );
  const image = (from: string) => from.replace(/\$\{?(\w+)\}?/g, (_, name: string) => globalArgs[name] ?? '');

  it('is a multi-stage build on node:20-bookworm-slim', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(image(stage.from)).toMatch(/^node:20[\w.-]*-bookworm-slim$/);
    // Only the runtime stage ships; it is not the stage that ran `npm ci` on the whole workspace.
    expect(runtime.instructions.some((i) => i.keyword === 'RUN' && /npm ci(?!.*--omit=dev)/.test(i.args))).toBe(false);
  });

  it('builds better-sqlite3 with compilers and Node headers in the build stages only', () => {
    const build = stages.find((s) => s.instructions.some((i) => i.keyword === 'RUN' && /nx run-many -t build/.test(i.args)));
    expect(build).toBeDefined();
    expect(build?.instructions.some((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args))).toBe(true);
    for (const stage of stages.filter((s) => s.instructions.some((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args)))) {
      const runs = stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args).join('\n');
      expect(runs).toMatch(/python3/);
      expect(runs).toMatch(/g\+\+/);
      // The repo .npmrc says nodedir=/usr (Debian); the official image has its headers under /usr/local.
      expect(envOf(stage)['npm_config_nodedir'] ?? (/npm config set nodedir (\S+)/.exec(runs)?.[1] ?? '')).toBe('/usr/local');
    }
    const runtimeRuns = runtime.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args).join('\n');
    expect(runtimeRuns).not.toMatch(/apt-get install|npm (ci|install)/);
  });

  it('installs the API production dependencies from its generated package.json and lock', () => {
    const deps = stages.find((s) => s.instructions.some((i) => i.keyword === 'RUN' && /npm ci --omit=dev/.test(i.args)));
    expect(deps).toBeDefined();
    const copied = copiesOf(deps as Stage).flatMap((c) => c.sources);
    expect(copied).toEqual(expect.arrayContaining([expect.stringMatching(/dist\/apps\/api\/package\.json$/), expect.stringMatching(/dist\/apps\/api\/package-lock\.json$/)]));
    const run = (deps as Stage).instructions.find((i) => /npm ci --omit=dev/.test(i.args))?.args ?? '';
    expect(run).toMatch(/npm pkg set allowScripts\.better-sqlite3=true --json/);
  });

  it('runs as a non-root user', () => {
    const users = runtime.instructions.filter((i) => i.keyword === 'USER').map((i) => i.args.trim().split(':')[0]);
    expect(users.length).toBeGreaterThan(0);
    expect(['root', '0', '']).not.toContain(users.at(-1));
  });

  it('has a HEALTHCHECK on /ready that works without curl', () => {
    const checks = runtime.instructions.filter((i) => i.keyword === 'HEALTHCHECK');
    expect(checks).toHaveLength(1);
    const check = checks[0]?.args ?? '';
    expect(check).toMatch(/\/ready\b/);
    expect(check).not.toMatch(/\b(curl|wget)\b/);
    const cmd = /\bCMD\s+(\[.*\])\s*$/.exec(check)?.[1];
    expect(cmd && execForm(cmd)[0]).toBe('node');
  });

  it('starts with the same command as `npm start`, resolved in the image', () => {
    const start = nodeCommandOfStartScript(); // e.g. node --max-semi-space-size=8 dist/apps/api/main.js serve
    const { flags, script, args } = splitNodeCommand(start);
    expect(script).toMatch(/^dist\/apps\/api\//);
    const apiDir = posix.dirname(script);

    const cmds = runtime.instructions.filter((i) => i.keyword === 'CMD');
    expect(cmds).toHaveLength(1);
    const cmd = execForm(cmds[0]?.args ?? '');
    const workdir = workdirOf(runtime);
    expect(cmd[0]).toBe('node');
    const image = splitNodeCommand(cmd);
    // The same runtime flags (V8 memory settings) in the image as with npm start.
    expect(image.flags).toEqual(flags);
    // The workspace's dist/apps/api/<file> lands at <copy destination>/<file> in the image.
    const expected = posix.join(imagePathOf(runtime, apiDir), posix.relative(apiDir, script));
    expect(posix.resolve(workdir, image.script)).toBe(expected);
    expect(image.args).toEqual(args);
    expect(runtime.instructions.some((i) => i.keyword === 'ENTRYPOINT')).toBe(false);
  });

  it('configures the server for the container: static dir, data volume, port', () => {
    const env = envOf(runtime);
    const workdir = workdirOf(runtime);
    expect(env['SNACKBASE_STATIC_DIR']).toBe('/app/admin');
    expect(posix.resolve(workdir, env['SNACKBASE_STATIC_DIR'] ?? '')).toBe(imagePathOf(runtime, 'dist/apps/admin/browser'));
    expect(env['SNACKBASE_DATA_DIR']).toBe('/data');
    expect(env['SNACKBASE_HOST']).toBe('0.0.0.0');
    expect(env['SNACKBASE_PORT']).toBe('8000');
    const volumes = runtime.instructions.filter((i) => i.keyword === 'VOLUME').flatMap((i) => (i.args.trim().startsWith('[') ? execForm(i.args) : words(i.args)));
    expect(volumes).toContain('/data');
    const exposed = runtime.instructions.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => words(i.args).map((p) => p.split('/')[0]));
    expect(exposed).toContain(env['SNACKBASE_PORT']);
    // The default SQLite file must be inside the volume (the default ./sb_data is not writable).
    const db = parseDatabaseUrl(env['SNACKBASE_DATABASE_URL'] ?? '');
    expect(db.dialect === 'sqlite' && posix.resolve(workdir, db.filename).startsWith('/data/')).toBe(true);
  });
});

describe('.dockerignore', () => {
  const entries = read('.dockerignore')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

  it('keeps local builds, dependencies, data and caches out of the context', () => {
    expect(entries).toEqual(expect.arrayContaining(['node_modules', 'dist', 'sb_data', '.nx', '.angular', '.git']));
  });

  it('does not exclude what the build stage needs', () => {
    for (const needed of ['package.json', 'package-lock.json', '.npmrc', 'nx.json', 'apps', 'libs', 'tools']) expect(entries).not.toContain(needed);
  });
});

// ---------------------------------------------------------------------------------------------
// docker-compose.yml

interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  depends_on?: string[] | Record<string, { condition?: string }>;
  environment?: string[] | Record<string, string | number | boolean | null>;
  healthcheck?: { test?: string | string[] };
  ports?: (string | number | { target?: number; published?: number | string })[];
}

interface Compose {
  services?: Record<string, ComposeService>;
}

function environmentOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((e) => [e.split('=')[0] ?? '', e.slice(e.indexOf('=') + 1)]));
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

/** Compose's `${VAR}`, `${VAR:-default}`, `${VAR-default}` and `${VAR:?message}` with the given variables. */
function interpolate(value: string, vars: Record<string, string> = {}): string {
  return value.replace(/\$\{(\w+)(?:(:?[-?])([^}]*))?\}/g, (_, name: string, op: string | undefined, arg: string | undefined) => {
    const set = vars[name];
    if (op === ':-' || op === '-') return set !== undefined && (op === '-' || set !== '') ? set : (arg ?? '');
    if (op === ':?' || op === '?') {
      if (set === undefined || (op === ':?' && set === '')) throw new Error(`${name} is required: ${arg}`);
      return set;
    }
    return set ?? '';
  });
}

function healthTest(service: ComposeService): string {
  const test = service.healthcheck?.test;
  return Array.isArray(test) ? test.join(' ') : (test ?? '');
}

describe('docker-compose.yml', () => {
  const compose = load(read('docker-compose.yml')) as Compose;
  const services = compose.services ?? {};
  const api = services['api'] ?? {};
  const apiEnv = environmentOf(api);

  it('has the services postgres, redis and api', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['postgres', 'redis', 'api']));
    expect(services['postgres']?.image).toMatch(/^postgres:16\b/);
    expect(services['redis']?.image).toMatch(/^redis:7\b/);
  });

  it('health-checks postgres and redis', () => {
    expect(healthTest(services['postgres'] ?? {})).toMatch(/pg_isready/);
    expect(healthTest(services['redis'] ?? {})).toMatch(/redis-cli.*ping/);
  });

  it('builds api from the root Dockerfile and starts it after postgres and redis are healthy', () => {
    const context = typeof api.build === 'string' ? api.build : api.build?.context;
    expect(context).toBe('.');
    expect(existsSync(join(ROOT, typeof api.build === 'object' && api.build.dockerfile ? api.build.dockerfile : 'Dockerfile'))).toBe(true);
    const deps = api.depends_on ?? [];
    const names = Array.isArray(deps) ? deps : Object.keys(deps);
    expect(names).toEqual(expect.arrayContaining(['postgres', 'redis']));
    expect(Array.isArray(deps)).toBe(false);
    for (const name of ['postgres', 'redis']) expect((deps as Record<string, { condition?: string }>)[name]?.condition).toBe('service_healthy');
  });

  it('points SNACKBASE_DATABASE_URL at the compose postgres, in a form the server accepts', () => {
    const pg = services['postgres'] ?? {};
    const pgEnv = environmentOf(pg);
    const url = interpolate(apiEnv['SNACKBASE_DATABASE_URL'] ?? '');
    const target = parseDatabaseUrl(url);
    expect(target.dialect).toBe('postgres');
    const parsed = new URL(target.dialect === 'postgres' ? target.connectionString : 'invalid:');
    expect(parsed.hostname).toBe('postgres');
    expect(parsed.port || '5432').toBe('5432');
    expect(decodeURIComponent(parsed.username)).toBe(interpolate(pgEnv['POSTGRES_USER'] ?? 'postgres'));
    expect(decodeURIComponent(parsed.password)).toBe(interpolate(pgEnv['POSTGRES_PASSWORD'] ?? ''));
    expect(parsed.pathname.slice(1)).toBe(interpolate(pgEnv['POSTGRES_DB'] ?? pgEnv['POSTGRES_USER'] ?? 'postgres'));
  });

  it('points SNACKBASE_REDIS_URL at the compose redis', () => {
    const url = new URL(interpolate(apiEnv['SNACKBASE_REDIS_URL'] ?? ''));
    expect(url.protocol).toBe('redis:');
    expect(url.hostname).toBe('redis');
    expect(url.port || '6379').toBe('6379');
  });

  it('runs in production and requires the three secrets from the environment', () => {
    expect(apiEnv['SNACKBASE_ENVIRONMENT']).toBe('production');
    for (const name of ['SNACKBASE_SECRET_KEY', 'SNACKBASE_TOKEN_SECRET', 'SNACKBASE_ENCRYPTION_KEY']) {
      expect(apiEnv[name]).toMatch(new RegExp(`^\\$\\{${name}:\\?[^}]+\\}$`));
      expect(() => interpolate(apiEnv[name] ?? '')).toThrow(`${name} is required`);
      expect(interpolate(apiEnv[name] ?? '', { [name]: 'x'.repeat(64) })).toBe('x'.repeat(64));
    }
  });

  it('publishes the port the image listens on', () => {
    const ports = (api.ports ?? []).map((p) => (typeof p === 'object' ? `${p.published}:${p.target}` : String(p)));
    expect(ports).toContain('8000:8000');
  });
});
