import { join } from 'node:path';
import ts from 'typescript';

// Proves at the type level that tenant tables are unreachable without a scope: a snippet is
// compiled with the workspace's settings and must fail exactly where it bypasses tenancy.
const root = join(__dirname, '..', '..', '..');

function diagnostics(source: string): string[] {
  const file = join(root, 'libs/tenancy/src/__type-probe__.ts');
  const config = ts.readConfigFile(join(root, 'libs/tenancy/tsconfig.lib.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, join(root, 'libs/tenancy'));
  const host = ts.createCompilerHost({ ...parsed.options, noEmit: true });
  const readFile = host.readFile.bind(host);
  host.readFile = (f) => (f === file ? source : readFile(f));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (f) => f === file || fileExists(f);
  const program = ts.createProgram([file], { ...parsed.options, noEmit: true }, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName === file)
    .map((d) => `${d.file!.getLineAndCharacterOfPosition(d.start!).line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('tenant tables without a scope do not compile', () => {
  it('accepts scoped access and rejects direct access to users, groups', () => {
    const errors = diagnostics(`
import type { SnackDatabase } from '@snackbase/db';
import { accountScope, tenantTable } from './index';
export async function probe(db: SnackDatabase) {
  await tenantTable(db.kysely, accountScope('a'), 'users').select().selectAll().execute();
  await db.kysely.selectFrom('accounts').selectAll().execute();
  await db.kysely.selectFrom('users').selectAll().execute();
  await db.kysely.deleteFrom('groups').execute();
  await db.transaction((trx) => trx.insertInto('users').values({} as never).execute());
  await tenantTable(db.kysely, accountScope('a'), 'accounts' as const);
}
`);
    expect(errors.map((e) => Number(e.split(':')[0]))).toEqual([6, 7, 8, 9]);
    expect(errors[0]).toMatch(/"users"/);
  }, 60_000);
});
