import { createWriteStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { IMPORT_STRATEGIES, type CollectionExportFile, type ImportStrategy } from '@snackbase/contract';
import { AppError, createCollectionTransfer, createCore, SYSTEM_ACCOUNT_ID, type Core, type RequestContext, type TransferProgress } from '@snackbase/core';
import { accountScope, tenantTable } from '@snackbase/tenancy';
import { boot, exitWith, secretsFor } from './boot';

/** One progress line: `collection 2/5 posts [imported]` or `  posts: 1500 records`. */
export function progressLine(p: TransferProgress): string {
  if (p.kind === 'collection') return `collection ${p.index}/${p.total} ${p.name}${p.status ? ` [${p.status}]` : ''}`;
  return `  ${p.name}: ${p.count} records`;
}

/** The superadmin the CLI acts as (`--as`, else SNACKBASE_SUPERADMIN_EMAIL, else the first one): audit rows name them. */
async function superadminContext(core: Core, email: string | undefined): Promise<RequestContext> {
  let q = tenantTable(core.db.kysely, accountScope(SYSTEM_ACCOUNT_ID), 'users').select().select(['id', 'email']).orderBy('created_at').limit(1);
  if (email) q = q.where('email', '=', email.toLowerCase());
  const user = await q.executeTakeFirst();
  if (!user) exitWith(email ? `no superadmin ${email}` : 'no superadmin yet: run "snackbase create-superadmin" first', 2);
  return {
    principal: { kind: 'user', userId: user.id, accountId: SYSTEM_ACCOUNT_ID, email: user.email, role: 'admin', sessionId: 'cli', isSuperadmin: true },
    requestId: `cli_${Date.now().toString(16)}`,
  };
}

/** Builds the core, runs `work` as the superadmin, closes; an AppError ends with its message. */
async function withCore(as: string | undefined, work: (core: Core, ctx: RequestContext) => Promise<void>): Promise<void> {
  const b = boot({ SNACKBASE_LOG_LEVEL: process.env['SNACKBASE_LOG_LEVEL'] ?? 'warn' });
  const core = createCore({ config: b.config, secrets: secretsFor(b), logger: b.logger });
  try {
    await core.start();
    await work(core, await superadminContext(core, as ?? b.config.superadmin.email));
  } catch (e) {
    if (e instanceof AppError) exitWith(`${e.message}${e.details?.length ? `\n${e.details.map((d) => `  - ${d.field ? `${d.field}: ` : ''}${d.message}`).join('\n')}` : ''}`, 2);
    throw e;
  } finally {
    await core.close();
  }
}

const transferOf = (core: Core) =>
  createCollectionTransfer({ db: core.db, catalog: core.catalog, audit: core.audit, hooks: core.hooks, macros: () => core.macros.registry(), logger: core.logger });

/** `snackbase collections export --out file.json [--records] [--ids a,b]`: streams the file to disk. */
export async function collectionsExportCommand(options: { out: string; records?: boolean; ids?: string; as?: string }): Promise<void> {
  await withCore(options.as, async (core, ctx) => {
    const collectionIds = (options.ids ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const file = await transferOf(core).exportCollections(ctx, { collectionIds, includeRecords: options.records === true, onProgress: (p) => console.log(progressLine(p)) });
    await pipeline(Readable.from(file.chunks), createWriteStream(options.out));
    console.log(`exported ${file.collections} collection(s)${options.records ? ' with their records' : ''} to ${options.out}`);
  });
}

/** `snackbase collections import file.json [--strategy error|skip|update]`; exit 1 when a collection failed. */
export async function collectionsImportCommand(path: string, options: { strategy?: string; as?: string }): Promise<void> {
  const strategy = (options.strategy ?? 'error') as ImportStrategy;
  if (!IMPORT_STRATEGIES.includes(strategy)) exitWith(`--strategy must be one of ${IMPORT_STRATEGIES.join(', ')}; got "${options.strategy}"`, 2);
  let file: CollectionExportFile;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as CollectionExportFile;
  } catch (e) {
    exitWith(`cannot read ${path}: ${(e as Error).message}`, 2);
  }
  if (!file || !Array.isArray(file.collections)) exitWith(`${path} is not a collections export file (no "collections" array)`, 2);
  await withCore(options.as, async (core, ctx) => {
    const result = await transferOf(core).importCollections(ctx, { file, strategy, onProgress: (p) => console.log(progressLine(p)) });
    for (const c of result.collections) if (c.status === 'error') console.log(`  ${c.name}: ${c.message}`);
    for (const r of result.skipped_records) console.log(`  record ${r.id ?? '?'} of ${r.collection} not imported: ${r.reason}`);
    console.log(
      `imported ${result.imported_count}, updated ${result.updated_count}, skipped ${result.skipped_count}, failed ${result.failed_count} collection(s); ${result.records_imported} record(s) imported`,
    );
    if (!result.success) process.exitCode = 1;
  });
}

/** Adds `collections export` and `collections import` to the CLI. */
export function registerCollectionsCommand(program: Command): void {
  const collections = program.command('collections').description('export and import collection schemas, rules and records (spec §3.7)');
  collections
    .command('export')
    .description('write collection schemas and rules (and with --records every record) to a JSON file')
    .requiredOption('--out <file>', 'the file to write')
    .option('--records', 'include every record of every account')
    .option('--ids <ids>', 'comma-separated collection ids (default: all)')
    .option('--as <email>', 'the superadmin to act as (audit log)')
    .action(collectionsExportCommand);
  collections
    .command('import')
    .description('import an export file; error (default) imports all or nothing, skip leaves existing collections, update re-defines them')
    .argument('<file>', 'an export file')
    .option('--strategy <strategy>', 'error | skip | update', 'error')
    .option('--as <email>', 'the superadmin to act as (audit log)')
    .action(collectionsImportCommand);
}
