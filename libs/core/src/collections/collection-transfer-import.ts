import type { Transaction } from 'kysely';
import type {
  CollectionExportFile,
  CollectionImportResponse,
  ExportedCollection,
  ImportedCollectionResult,
  ImportStrategy,
  SkippedRecord,
} from '@snackbase/contract';
import { MAX_REPORTED_SKIPPED_RECORDS } from '@snackbase/contract';
import type { GlobalDatabase, SnackDatabase } from '@snackbase/db';
import type { AuditRecorder } from '../audit';
import type { RequestContext } from '../context';
import { AppError, conflict, validationFailed } from '../errors';
import type { Logger } from '../logging';
import { collectionTableName, LOCKED_RULES, type CollectionRules } from './collection-model';
import type { CollectionResponse } from './collection-responses';
import type { TransferProgress } from './collection-transfer-export';
import { importOrder } from './collection-transfer-order';
import { EXPORT_PAGE_SIZE, insertRecords, type RecordTable } from './collection-transfer-records';
import type { CollectionWriteOptions } from './collection-write-support';
import { invalidRules, type CollectionsDeps } from './collections-admin-support';
import { validateFields } from './collection-validation';
import { rulesProblems } from './rules-check';
import { createCollections, type Collections } from './create-collections';

/** What an import needs: what the collections admin needs (it runs the same writes), and a logger. */
export interface ImportDeps extends CollectionsDeps {
  readonly logger: Logger;
}

/** The collections admin the import writes through, inside its own transactions. */
interface ImportRun {
  readonly db: SnackDatabase;
  readonly collections: Pick<Collections, 'create' | 'update' | 'getByName' | 'updateRules'>;
  readonly audit: AuditRecorder;
  readonly logger: Logger;
  /**
   * Throws 400 `invalid_rule` when the file's rules do not fit the file's schema, so `update`
   * refuses a collection before changing anything (the rules API runs after the schema commit).
   */
  checkRules(c: ExportedCollection): void;
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

type Trx = Transaction<GlobalDatabase>;
type RecordsOutcome = { inserted: number; skipped: SkippedRecord[] };
type Item = ImportedCollectionResult & { readonly skipped: readonly SkippedRecord[]; readonly revision: string | null };

const rulesOf = (c: ExportedCollection): CollectionRules => ({ ...LOCKED_RULES, ...(c.rules ?? {}) });
const NO_RECORDS: RecordsOutcome = { inserted: 0, skipped: [] };

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
function safeMessage(e: unknown, logger: Logger, name: string): string {
  if (e instanceof AppError) return e.message;
  logger.error('collection import failed', { collection: name, error: (e as Error)?.message });
  return 'Import failed (see the server log)';
}

/** The collection's table as the record writer needs it, from the create/update answer. */
const tableOf = (c: CollectionResponse): RecordTable => ({ name: c.name, tableName: collectionTableName(c.name), fields: c.schema });

/** Inserts the file's records inside `trx`, page by page, auditing each inserted row. */
async function importRecords(deps: ImportRun, trx: Trx, ctx: RequestContext, table: RecordTable, c: ExportedCollection, onProgress?: (p: TransferProgress) => void): Promise<RecordsOutcome> {
  const records = c.records ?? [];
  const by = ctx.principal.kind === 'user' ? ctx.principal.userId : 'import';
  const out: RecordsOutcome = { inserted: 0, skipped: [] };
  for (let i = 0; i < records.length; i += EXPORT_PAGE_SIZE) {
    const outcome = await insertRecords(trx, deps.db.dialect, table, records.slice(i, i + EXPORT_PAGE_SIZE), by);
    for (const row of outcome.inserted) await deps.audit.record(trx, ctx, { operation: 'CREATE', table: table.tableName, recordId: String(row['id']), after: row });
    out.inserted += outcome.inserted.length;
    out.skipped.push(...outcome.skipped);
    onProgress?.({ kind: 'records', name: c.name, count: out.inserted });
  }
  return out;
}

/** Creates (or, with `existing`, re-defines) one collection and inserts its records, inside `trx`. */
async function writeOne(deps: ImportRun, ctx: RequestContext, c: ExportedCollection, existing: CollectionResponse | undefined, options: CollectionWriteOptions & { trx: Trx }, onProgress?: (p: TransferProgress) => void) {
  const written = existing
    ? await deps.collections.update(ctx, existing.id, { schema: c.schema }, options)
    : await deps.collections.create(ctx, { name: c.name, schema: c.schema, ...rulesOf(c) }, options);
  const records = c.records?.length ? await importRecords(deps, options.trx, ctx, tableOf(written), c, onProgress) : NO_RECORDS;
  return { written, records };
}

function item(c: ExportedCollection, status: Item['status'], message: string, records: RecordsOutcome = NO_RECORDS, revision: string | null = null): Item {
  return { name: c.name, status, message, records_imported: records.inserted, records_skipped: records.skipped.length, skipped: records.skipped, revision };
}

/**
 * Strategy `error`: all or nothing. Any collection of the file that exists refuses the import
 * with 409 before anything is written; then every collection and its records are written in ONE
 * transaction, so a failure anywhere leaves the database as it was (the error is re-thrown,
 * naming the collection).
 */
async function importAll(deps: ImportRun, ctx: RequestContext, ordered: readonly ExportedCollection[], onProgress?: (p: TransferProgress) => void): Promise<Item[]> {
  const existing: string[] = [];
  for (const c of ordered) if (await deps.collections.getByName(ctx, c.name)) existing.push(c.name);
  if (existing.length) throw conflict(`Collection '${existing[0]}' already exists; nothing was imported`, 'conflict', { field: 'name', existing });
  const after: (() => Promise<void>)[] = [];
  const items = await deps.db.transaction(async (trx) => {
    const out: Item[] = [];
    for (const [i, c] of ordered.entries()) {
      try {
        const { written, records } = await writeOne(deps, ctx, c, undefined, { trx, afterCommit: (w) => after.push(w) }, onProgress);
        out.push(item(c, 'imported', `Collection '${c.name}' imported`, records, written.migration_revision));
      } catch (e) {
        if (e instanceof AppError) throw new AppError(e.status, e.code, e.title, `Collection '${c.name}': ${e.message}; nothing was imported`, e.details, e.extras, { cause: e });
        throw e;
      }
      onProgress?.({ kind: 'collection', index: i + 1, total: ordered.length, name: c.name, status: 'imported' });
    }
    return out;
  });
  for (const work of after) await work();
  return items;
}

/**
 * Strategies `skip` and `update`: one collection at a time, each (definition + records) in its
 * own transaction; a failure marks that collection `error` and the import goes on (spec §3.7).
 * `update` re-defines an existing collection with the file's schema, then sets the file's rules
 * (the reference ignored them: §12.3 item 32); its records are added.
 */
async function importEach(deps: ImportRun, ctx: RequestContext, ordered: readonly ExportedCollection[], strategy: ImportStrategy, onProgress?: (p: TransferProgress) => void): Promise<Item[]> {
  const out: Item[] = [];
  for (const [i, c] of ordered.entries()) {
    const existing = await deps.collections.getByName(ctx, c.name);
    let result: Item;
    if (existing && strategy === 'skip') {
      result = item(c, 'skipped', `Collection '${c.name}' already exists`);
    } else {
      try {
        if (existing) deps.checkRules(c);
        const after: (() => Promise<void>)[] = [];
        const { written, records } = await deps.db.transaction((trx) => writeOne(deps, ctx, c, existing, { trx, afterCommit: (w) => after.push(w) }, onProgress));
        for (const work of after) await work();
        // The rules API has no transaction option; the rules are checked against the new schema.
        if (existing) await deps.collections.updateRules(ctx, written.name, rulesOf(c));
        result = item(c, existing ? 'updated' : 'imported', `Collection '${c.name}' ${existing ? 'updated' : 'imported'}`, records, written.migration_revision);
      } catch (e) {
        result = item(c, 'error', safeMessage(e, deps.logger, c.name));
      }
    }
    out.push(result);
    onProgress?.({ kind: 'collection', index: i + 1, total: ordered.length, name: c.name, status: result.status });
  }
  return out;
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
  if (cyclic.length) deps.logger.warn('collection import: reference cycle, created in file order', { collections: cyclic });
  const run = await importRun(deps);
  const items = strategy === 'error' ? await importAll(run, ctx, ordered, onProgress) : await importEach(run, ctx, ordered, strategy, onProgress);
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
