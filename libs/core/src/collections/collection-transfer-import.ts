import type {
  CollectionExportFile,
  CollectionImportResponse,
  ExportedCollection,
  ImportedCollectionResult,
  ImportStrategy,
  SkippedRecord,
} from '@snackbase/contract';
import { MAX_REPORTED_SKIPPED_RECORDS } from '@snackbase/contract';
import type { RequestContext } from '../context';
import { AppError, conflict, validationFailed } from '../errors';
import type { Logger } from '../logging';
import type { CollectionResponse } from './collection-responses';
import type { TransferProgress } from './collection-transfer-export';
import { CollectionStepError, NO_RECORDS, rulesOf, writeGroup, type GroupMember, type ImportRun, type RecordsOutcome } from './collection-transfer-group';
import { deferredReferences, importOrder } from './collection-transfer-order';
import { invalidRules, type CollectionsDeps } from './collections-admin-support';
import { validateFields } from './collection-validation';
import { rulesProblems } from './rules-check';
import { createCollections } from './create-collections';

/** What an import needs: what the collections admin needs (it runs the same writes), and a logger. */
export interface ImportDeps extends CollectionsDeps {
  readonly logger: Logger;
}

/**
 * The collections admin with the macro registry loaded once, now: a create inside the import's
 * transaction checks rules with the macros, and loading them there would wait forever for the
 * one SQLite connection the transaction holds.
 */
async function importRun(deps: ImportDeps): Promise<ImportRun> {
  const registry = deps.macros ? await deps.macros() : undefined;
  const collections = createCollections({ ...deps, macros: registry ? async () => registry : undefined });
  const checkRules = (c: ExportedCollection) => {
    const fields = validateFields(c.schema);
    // A schema that does not validate is refused by the update itself, with its own message.
    const problems = fields.ok ? rulesProblems(rulesOf(c), fields.fields, registry) : [];
    if (problems.length > 0) throw invalidRules(problems);
  };
  return { db: deps.db, collections, audit: deps.audit, logger: deps.logger, checkRules };
}

export interface ImportInput {
  readonly file: CollectionExportFile;
  readonly strategy: ImportStrategy;
  readonly onProgress?: (p: TransferProgress) => void;
}

type Item = ImportedCollectionResult & { readonly skipped: readonly SkippedRecord[]; readonly revision: string | null };

/** The file's version is one this server reads (`1.x`), and no name appears twice. */
function checkFile(file: CollectionExportFile): void {
  if (typeof file.version !== 'string' || !file.version.startsWith('1.')) {
    throw validationFailed([{ field: 'data.version', message: 'Unsupported export version', code: 'unsupported_version' }], `Unsupported export version: ${String(file.version).slice(0, 20)}`);
  }
  const seen = new Set<string>();
  file.collections.forEach((c, i) => {
    const key = c.name.toLowerCase();
    if (seen.has(key)) throw validationFailed([{ field: `data.collections[${i}].name`, message: `Collection '${c.name}' appears twice in the file`, code: 'duplicate' }]);
    seen.add(key);
  });
}

/** A failure as the response may show it: an AppError's message, never SQL or a stack. */
function safeMessage(e: unknown, logger: Logger, ctx: RequestContext, name: string): string {
  const cause = e instanceof CollectionStepError ? e.cause : e;
  if (cause instanceof AppError) return cause.message;
  logger.error('collection import failed', { request_id: ctx.requestId, collection: name, error: (cause as Error)?.message });
  return 'Import failed (see the server log)';
}

function item(c: ExportedCollection, status: Item['status'], message: string, records: RecordsOutcome = NO_RECORDS, revision: string | null = null): Item {
  return { name: c.name, status, message, records_imported: records.inserted, records_skipped: records.skipped.length, skipped: records.skipped, revision };
}

type Progress = (p: TransferProgress) => void;
type Deferred = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * Strategy `error`: all or nothing. Any collection of the file that exists refuses the import
 * with 409 before anything is written; then every collection and its records are written in ONE
 * transaction, so a failure anywhere leaves the database as it was (the error is re-thrown,
 * naming the collection).
 */
async function importAll(deps: ImportRun, ctx: RequestContext, ordered: readonly ExportedCollection[], onProgress?: Progress): Promise<Item[]> {
  const existing: string[] = [];
  for (const c of ordered) if (await deps.collections.getByName(ctx, c.name)) existing.push(c.name);
  if (existing.length) throw conflict(`Collection '${existing[0]}' already exists; nothing was imported`, 'conflict', { field: 'name', existing });
  const after: (() => Promise<void>)[] = [];
  const members = ordered.map((c) => ({ c, existing: undefined }));
  const results = await deps.db.transaction((trx) => writeGroup(deps, ctx, members, deferredReferences(ordered, new Set()), { trx, afterCommit: (w) => after.push(w) }, onProgress)).catch((e: unknown) => {
    const cause = e instanceof CollectionStepError ? e.cause : e;
    if (e instanceof CollectionStepError && cause instanceof AppError) {
      throw new AppError(cause.status, cause.code, cause.title, `Collection '${e.collection}': ${cause.message}; nothing was imported`, cause.details, cause.extras, { cause });
    }
    throw cause;
  });
  for (const work of after) await work();
  return ordered.map((c, i) => {
    const { written, records } = results[i] as (typeof results)[number];
    onProgress?.({ kind: 'collection', index: i + 1, total: ordered.length, name: c.name, status: 'imported' });
    return item(c, 'imported', `Collection '${c.name}' imported`, records, written.migration_revision);
  });
}

/**
 * Writes `members` (one collection, or the members of a reference cycle, which need each other)
 * in one transaction; under `update`, then sets each existing one's rules. A failure marks every
 * member `error`, naming the one that failed.
 */
async function importUnit(deps: ImportRun, ctx: RequestContext, members: readonly GroupMember[], deferred: Deferred, onProgress?: Progress): Promise<Item[]> {
  try {
    for (const m of members) if (m.existing) deps.checkRules(m.c);
    const after: (() => Promise<void>)[] = [];
    const results = await deps.db.transaction((trx) => writeGroup(deps, ctx, members, deferred, { trx, afterCommit: (w) => after.push(w) }, onProgress));
    for (const work of after) await work();
    const out: Item[] = [];
    for (const [i, { c, existing }] of members.entries()) {
      const { written, records } = results[i] as (typeof results)[number];
      try {
        // Set after the schema commit, so they are checked against the new schema.
        if (existing) await deps.collections.updateRules(ctx, written.name, rulesOf(c));
        out.push(item(c, existing ? 'updated' : 'imported', `Collection '${c.name}' ${existing ? 'updated' : 'imported'}`, records, written.migration_revision));
      } catch (e) {
        out.push(item(c, 'error', safeMessage(e, deps.logger, ctx, c.name)));
      }
    }
    return out;
  } catch (e) {
    const failed = e instanceof CollectionStepError ? e.collection : undefined;
    const message = safeMessage(e, deps.logger, ctx, failed ?? members[0]?.c.name ?? '');
    return members.map(({ c }) => item(c, 'error', !failed || failed === c.name ? message : `Not imported: '${failed}' of the same reference cycle failed: ${message}`));
  }
}

/**
 * Strategies `skip` and `update`: one collection at a time, each (definition + records) in its
 * own transaction — the members of a reference cycle together in one; a failure marks that
 * collection `error` and the import goes on (spec §3.7). `update` re-defines an existing
 * collection with the file's schema, then sets the file's rules (the reference ignored them:
 * §12.3 item 32); its records are added.
 */
async function importEach(deps: ImportRun, ctx: RequestContext, ordered: readonly ExportedCollection[], cyclic: ReadonlySet<string>, strategy: ImportStrategy, onProgress?: Progress): Promise<Item[]> {
  const existing = new Map<string, CollectionResponse | undefined>();
  for (const c of ordered) existing.set(c.name.toLowerCase(), await deps.collections.getByName(ctx, c.name));
  const members = ordered.map((c) => ({ c, existing: existing.get(c.name.toLowerCase()) }));
  const toWrite = members.filter((m) => !(m.existing && strategy === 'skip'));
  const defined = new Set(members.filter((m) => m.existing).map((m) => m.c.name.toLowerCase()));
  const deferred = deferredReferences(
    toWrite.map((m) => m.c),
    defined,
  );
  const cycle = toWrite.filter((m) => cyclic.has(m.c.name.toLowerCase()));
  const units = [...toWrite.filter((m) => !cyclic.has(m.c.name.toLowerCase())).map((m) => [m]), ...(cycle.length ? [cycle] : [])];
  const results = new Map<string, Item>();
  for (const m of members) if (!toWrite.includes(m)) results.set(m.c.name, item(m.c, 'skipped', `Collection '${m.c.name}' already exists`));
  for (const unit of units) for (const result of await importUnit(deps, ctx, unit, deferred, onProgress)) results.set(result.name, result);
  return ordered.map((c, i) => {
    const result = results.get(c.name) as Item;
    onProgress?.({ kind: 'collection', index: i + 1, total: ordered.length, name: c.name, status: result.status });
    return result;
  });
}

/**
 * Imports an export file (spec §3.7), reference targets first, with the fixes of reference
 * §12.3 item 32: `error` aborts on the first conflict with nothing imported; `update` updates
 * schema AND rules. Records in the file are inserted with their ids under their own accounts;
 * rows of accounts that do not exist here are reported, not inserted.
 */
export async function importCollections(deps: ImportDeps, ctx: RequestContext, input: ImportInput): Promise<CollectionImportResponse> {
  const { file, strategy, onProgress } = input;
  checkFile(file);
  const { ordered, cyclic } = importOrder(file.collections);
  // Cycles are imported in two passes (their references added last); worth a line in the log.
  if (cyclic.length) deps.logger.info('collection import: reference cycle, references added after the collections', { collections: cyclic });
  const run = await importRun(deps);
  const cycle = new Set(cyclic.map((n) => n.toLowerCase()));
  const items = strategy === 'error' ? await importAll(run, ctx, ordered, onProgress) : await importEach(run, ctx, ordered, cycle, strategy, onProgress);
  return summary(items);
}

function summary(items: readonly Item[]): CollectionImportResponse {
  const count = (s: Item['status']) => items.filter((r) => r.status === s).length;
  return {
    success: count('error') === 0,
    imported_count: count('imported'),
    skipped_count: count('skipped'),
    updated_count: count('updated'),
    failed_count: count('error'),
    collections: items.map(({ name, status, message, records_imported, records_skipped }) => ({ name, status, message, records_imported, records_skipped })),
    migrations_created: items.map((i) => i.revision).filter((r): r is string => r !== null),
    records_imported: items.reduce((n, r) => n + r.records_imported, 0),
    skipped_records: items.flatMap((i) => i.skipped).slice(0, MAX_REPORTED_SKIPPED_RECORDS),
  };
}
