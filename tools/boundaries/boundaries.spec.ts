import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// "A rule that is not enforced does not exist" (ARCHITECTURE principle 1): lint imports that
// break the tag table as if they were files of real projects (through stdin, so nothing is
// written where a build or another test could see it) and check that each is refused.
const root = join(__dirname, '..', '..');

interface Probe {
  readonly name: string;
  readonly file: string;
  readonly source: string;
  readonly expected: RegExp;
}

const PROBES: Probe[] = [
  { name: 'a pure lib importing an infra lib', file: 'libs/rules/src/__probe_infra__.ts', source: "import { createDatabase } from '@snackbase/db';\nexport const x = createDatabase;\n", expected: /"type:pure" can only depend on libs tagged with "type:pure"/ },
  { name: 'a pure lib importing a Node built-in', file: 'libs/hooks/src/__probe_node__.ts', source: "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", expected: /Browser-safe libraries must not import Node built-ins/ },
  { name: 'an infra lib importing core', file: 'libs/tenancy/src/__probe_core__.ts', source: "import { createCore } from '@snackbase/core';\nexport const x = createCore;\n", expected: /"type:infra" can only depend on libs tagged with "type:infra", "type:pure"|Circular dependency between "tenancy" and "core"/ },
  { name: 'the transport importing a driver', file: 'libs/server/src/__probe_driver__.ts', source: "import { Pool } from 'pg';\nexport const x = Pool;\n", expected: /"type:transport" is not allowed to import "pg"/ },
  { name: 'the admin console importing a server lib', file: 'apps/admin/src/app/__probe_server__.ts', source: "import { createCore } from '@snackbase/core';\nexport const x = createCore;\n", expected: /"scope:admin" can only depend on libs tagged with "scope:admin", "scope:shared"/ },
  { name: 'a lib importing the test fixtures outside a spec', file: 'libs/core/src/__probe_testing__.ts', source: "import { createTestDatabase } from '@snackbase/testing';\nexport const x = createTestDatabase;\n", expected: /testing|type:test/ },
];

function lint(file: string, source: string) {
  return spawnSync('npx', ['eslint', '--stdin', '--stdin-filename', file], {
    cwd: root,
    input: source,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
  });
}

describe('module boundaries bind', () => {
  it.each(PROBES)('lint refuses $name', ({ file, source, expected }) => {
    const r = lint(file, source);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(expected);
  }, 120_000);

  it('accepts the same file without the forbidden import', () => {
    const r = lint('libs/rules/src/__probe_clean__.ts', "import { sql } from 'kysely';\nexport const x = sql;\n");
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  }, 120_000);
});
