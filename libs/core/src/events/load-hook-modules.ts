import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { HookAbortError } from '@snackbase/hooks';
import type { Logger } from '../logging';
import type { AppHooks } from './create-app-hooks';

/** The environment variable naming the folder of user hook modules. */
export const HOOKS_DIR_ENV = 'SNACKBASE_HOOKS_DIR';

/** What a hook module receives besides the registry. */
export interface HookModuleContext {
  /** Absolute path of the module being loaded. */
  readonly file: string;
  readonly logger: Logger;
  /**
   * The abort error class, so a module can refuse an operation without importing
   * `@snackbase/hooks` itself: `throw new ctx.HookAbortError(403, 'Closed on Sundays')`.
   */
  readonly HookAbortError: typeof HookAbortError;
}

/**
 * The default export of a hook module.
 *
 * @example
 * // $SNACKBASE_HOOKS_DIR/10-posts.js
 * module.exports = (hooks, ctx) => {
 *   hooks.onRecordBeforeCreate('posts', (p) => {
 *     if (!p.data.title) throw new ctx.HookAbortError(400, 'A post needs a title');
 *   });
 * };
 */
export type HookModule = (hooks: AppHooks, ctx: HookModuleContext) => void | Promise<void>;

/** A hook module could not be loaded; the message names the file. Start-up must stop. */
export class HookModuleError extends Error {
  override readonly name = 'HookModuleError';
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`Hook module ${file}: ${message}`, options);
  }
}

/** Options of {@link loadHookModules}. */
export interface LoadHookModulesOptions {
  /** The folder (`SNACKBASE_HOOKS_DIR`); nothing is loaded when it is undefined or empty. */
  readonly dir: string | undefined;
  readonly hooks: AppHooks;
  readonly logger: Logger;
}

const MODULE_FILE = /^[^.].*\.c?js$/;

/** The module files of `dir` (not its sub-folders), sorted by name so `10-a.js` runs before `20-b.js`. */
function moduleFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new Error(`${HOOKS_DIR_ENV} ${dir} cannot be read: ${(e as Error).message}`, { cause: e });
  }
  return names
    .filter((n) => MODULE_FILE.test(n))
    .sort()
    .map((n) => join(dir, n))
    .filter((f) => statSync(f).isFile());
}

function defaultExport(file: string, exported: unknown): HookModule {
  const candidate = typeof exported === 'function' ? exported : (exported as { default?: unknown } | null | undefined)?.default;
  if (typeof candidate !== 'function') throw new HookModuleError(file, 'must export a default function (hooks, ctx) => void');
  return candidate as HookModule;
}

/**
 * Loads every `*.js` / `*.cjs` file of `dir` in file-name order and calls its default export
 * with the registry; awaits each before the next. Resolves to the loaded files. A module that
 * cannot be required, exports no function, or throws (or rejects) stops loading with a
 * {@link HookModuleError} naming the file: a server with half its hooks must not start.
 * A missing or unreadable folder is an error too, for the same reason.
 */
export async function loadHookModules(options: LoadHookModulesOptions): Promise<readonly string[]> {
  const { dir, hooks, logger } = options;
  if (!dir) return [];
  const files = moduleFiles(resolve(dir));
  for (const file of files) {
    let exported: unknown;
    try {
      // A real Node require (not a bundler's): these files live outside the build.
      exported = createRequire(file)(file);
    } catch (e) {
      throw new HookModuleError(file, `failed to load: ${(e as Error)?.message ?? String(e)}`, { cause: e });
    }
    const register = defaultExport(file, exported);
    try {
      await register(hooks, { file, logger, HookAbortError });
    } catch (e) {
      throw new HookModuleError(file, `threw while registering hooks: ${(e as Error)?.message ?? String(e)}`, { cause: e });
    }
    logger.info('hook module loaded', { file });
  }
  return files;
}
