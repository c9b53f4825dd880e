import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemContext } from '../context';
import type { Logger } from '../logging';
import { createAppHooks } from './create-app-hooks';
import { HookModuleError, loadHookModules } from './load-hook-modules';

const logger = { info: jest.fn() } as unknown as Logger;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sb-hooks-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, source: string) => writeFileSync(join(dir, name), source);
// Each module records its name in the shared trail via a before-create hook, so the order of
// registration is observable through one dispatch.
const trailModule = (label: string) => `module.exports = (hooks) => { hooks.on('record.beforeCreate', (p) => void p.data.trail.push(${JSON.stringify(label)})); };`;

async function trailAfterLoading() {
  const hooks = createAppHooks(jest.fn());
  const files = await loadHookModules({ dir, hooks, logger });
  const out = await hooks.runBefore('record.beforeCreate', { ctx: systemContext('t'), collection: 'posts', data: { trail: [] as string[] } });
  return { files, trail: out.data['trail'], hooks };
}

async function failure(): Promise<HookModuleError> {
  try {
    await loadHookModules({ dir, hooks: createAppHooks(jest.fn()), logger });
  } catch (e) {
    expect(e).toBeInstanceOf(HookModuleError);
    return e as HookModuleError;
  }
  throw new Error('expected loadHookModules to fail');
}

describe('loadHookModules', () => {
  it('loads *.js and *.cjs in file-name order, skipping other files, dotfiles and folders', async () => {
    write('20-b.cjs', trailModule('20-b'));
    write('10-a.js', trailModule('10-a'));
    write('30-c.js', `exports.default = (hooks) => { hooks.on('record.beforeCreate', (p) => void p.data.trail.push('30-c')); };`);
    write('notes.md', 'not a module');
    write('.hidden.js', 'throw new Error("must not load")');
    write('40-d.mjs', 'throw new Error("must not load")');
    mkdirSync(join(dir, '50-dir.js'));
    const { files, trail } = await trailAfterLoading();
    expect(trail).toEqual(['10-a', '20-b', '30-c']);
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(['10-a.js', '20-b.cjs', '30-c.js']);
    expect(logger.info).toHaveBeenCalledWith('hook module loaded', { file: join(dir, '10-a.js') });
  });

  it('awaits async modules before loading the next', async () => {
    write('1.js', `module.exports = async (hooks) => { await new Promise((r) => setTimeout(r, 20)); hooks.on('record.beforeCreate', (p) => void p.data.trail.push('slow')); };`);
    write('2.js', trailModule('fast'));
    expect((await trailAfterLoading()).trail).toEqual(['slow', 'fast']);
  });

  it('gives modules the file, the logger and HookAbortError to abort with', async () => {
    write('guard.js', `module.exports = (hooks, ctx) => {
      ctx.logger.info('guard ready', { file: ctx.file });
      hooks.onRecordBeforeCreate('posts', () => { throw new ctx.HookAbortError(403, 'Posting is closed'); });
    };`);
    const hooks = createAppHooks(jest.fn());
    await loadHookModules({ dir, hooks, logger });
    expect(logger.info).toHaveBeenCalledWith('guard ready', { file: join(dir, 'guard.js') });
    await expect(hooks.runBefore('record.beforeCreate', { ctx: systemContext('t'), collection: 'posts', data: {} })).rejects.toMatchObject({
      name: 'HookAbortError',
      status: 403,
      message: 'Posting is closed',
    });
  });

  it.each([
    ['a module that throws while registering', 'module.exports = () => { throw new Error("bad config"); };', 'threw while registering hooks: bad config'],
    ['a module that rejects', 'module.exports = async () => { throw new Error("async bad"); };', 'threw while registering hooks: async bad'],
    ['a module that throws when required', 'throw new Error("top-level boom");', 'failed to load: top-level boom'],
    ['a syntax error', 'module.exports = (hooks => {', 'failed to load:'],
    ['no default function', 'module.exports = { hooks: 1 };', 'must export a default function (hooks, ctx) => void'],
  ])('names the file for %s and stops loading', async (_label, source, message) => {
    write('10-ok.js', trailModule('ok'));
    write('20-broken.js', source);
    write('30-never.js', 'throw new Error("must not load")');
    const e = await failure();
    expect(e.file).toBe(join(dir, '20-broken.js'));
    expect(e.message).toContain(`Hook module ${join(dir, '20-broken.js')}: ${message}`);
  });

  it('loads nothing without a folder', async () => {
    const hooks = createAppHooks(jest.fn());
    expect(await loadHookModules({ dir: undefined, hooks, logger })).toEqual([]);
    expect(await loadHookModules({ dir: '', hooks, logger })).toEqual([]);
  });

  it('fails on a folder that does not exist rather than starting without hooks', async () => {
    const missing = join(dir, 'missing');
    await expect(loadHookModules({ dir: missing, hooks: createAppHooks(jest.fn()), logger })).rejects.toThrow(`SNACKBASE_HOOKS_DIR ${missing} cannot be read`);
  });

  it('loads an empty folder', async () => {
    expect((await trailAfterLoading()).files).toEqual([]);
  });
});
