import { spawnSync } from 'node:child_process';
import { assertBuilt, childEnv, MAIN_JS } from '@snackbase/testing';

// Some Node built-ins change the whole process once loaded: `node:domain` (which `node:repl`
// loads) wraps the construction and every emit of every EventEmitter, so a top-level import of
// the shell command's REPL slowed every request of the server. Such modules load only in the
// command that needs them.
const PROCESS_WIDE = /^NativeModule (domain|repl|inspector)$/;

describe('the built server bundle', () => {
  beforeAll(() => assertBuilt());

  it('does not load process-wide built-ins (domain, repl, inspector) at start', () => {
    const script = [
      `process.argv = [process.execPath, ${JSON.stringify(MAIN_JS)}, '--help'];`,
      `process.on('exit', () => console.log('LOADED ' + JSON.stringify(process.moduleLoadList.filter((m) => ${PROCESS_WIDE}.test(m)))));`,
      `require(${JSON.stringify(MAIN_JS)});`,
    ].join('\n');
    const run = spawnSync(process.execPath, ['-e', script], { env: childEnv({}), encoding: 'utf8', timeout: 30_000 });
    const line = run.stdout.split('\n').find((l) => l.startsWith('LOADED '));
    expect({ status: run.status, loaded: line && JSON.parse(line.slice('LOADED '.length)) }).toEqual({ status: 0, loaded: [] });
  });
});
