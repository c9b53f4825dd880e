import type { Transaction } from 'kysely';
import type { ExportedCollection, ExportedRecord, SkippedRecord } from '@snackbase/contract';
import type { GlobalDatabase, SnackDatabase } from '@snackbase/db';
import { accountScope, dynamicTenantTable } from '@snackbase/tenancy';
import type { AuditRecorder } from '../audit';
import type { RequestContext } from '../context';
import type { Logger } from '../logging';
import { collectionTableName, LOCKED_RULES, type CollectionRules } from './collection-model';
import type { CollectionResponse } from './collection-responses';
import type { TransferProgress } from './collection-transfer-export';
import { EXPORT_PAGE_SIZE, insertRecords, type RecordTable } from './collection-transfer-records';
import type { CollectionWriteOptions } from './collection-write-support';
import type { Collections } from './create-collections';

/** The collections admin the import writes through, inside its own transactions. */
export interface ImportRun {
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

type Trx = Transaction<GlobalDatabase>;
type Progress = (p: TransferProgress) => void;
export type RecordsOutcome = { inserted: number; skipped: SkippedRecord[] };

/** One collection of a group: the file's definition and, under `update`, the existing one. */
export interface GroupMember {
  readonly c: ExportedCollection;
  readonly existing: CollectionResponse | undefined;
}

export interface GroupResult {
  readonly written: CollectionResponse;
  readonly records: RecordsOutcome;
}

/** A failure while writing one collection of a group, naming it (the cause is the real error). */
export class CollectionStepError extends Error {
  constructor(
    readonly collection: string,
    override readonly cause: unknown,
  ) {
    super(`Collection '${collection}' failed`);
  }
}

export const rulesOf = (c: ExportedCollection): CollectionRules => ({ ...LOCKED_RULES, ...(c.rules ?? {}) });
export const NO_RECORDS: RecordsOutcome = { inserted: 0, skipped: [] };
const keyOf = (c: ExportedCollection) => c.name.toLowerCase();

/** The collection's table as the record writer needs it, from the create/update answer. */
const tableOf = (c: CollectionResponse): RecordTable => ({ name: c.name, tableName: collectionTableName(c.name), fields: c.schema });

async function step<T>(c: ExportedCollection, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw new CollectionStepError(c.name, e);
  }
}

/**
 * A collection needs at least one field; one whose only fields are deferred references is
 * created with a placeholder text field for a moment, which the second pass (the full schema,
 * before any record is inserted) drops again.
 */
function placeheld(schema: ExportedCollection['schema'], full: ExportedCollection['schema']): ExportedCollection['schema'] {
  if (schema.length > 0) return schema;
  let name = 'import_pending';
  while (full.some((f) => f['name'] === name)) name = `${name}_`;
  return [{ name, type: 'text' }];
}

/** Inserts file rows inside `trx`, page by page, auditing each inserted row. */
async function importRecords(deps: ImportRun, trx: Trx, ctx: RequestContext, table: RecordTable, records: readonly ExportedRecord[], onProgress?: Progress) {
  const by = ctx.principal.kind === 'user' ? ctx.principal.userId : 'import';
  const out: RecordsOutcome = { inserted: 0, skipped: [] };
  const rows: Readonly<Record<string, unknown>>[] = [];
  for (let i = 0; i < records.length; i += EXPORT_PAGE_SIZE) {
    const outcome = await insertRecords(trx, deps.db.dialect, table, records.slice(i, i + EXPORT_PAGE_SIZE), by);
    for (const row of outcome.inserted) await deps.audit.record(trx, ctx, { operation: 'CREATE', table: table.tableName, recordId: String(row['id']), after: row });
    rows.push(...outcome.inserted);
    out.inserted += outcome.inserted.length;
    out.skipped.push(...outcome.skipped);
    onProgress?.({ kind: 'records', name: table.name, count: out.inserted });
  }
  return { out, rows };
}

/** Reference values held back from the first insert, by record id, to set once every target row exists. */
type Held = Map<string, Record<string, string>>;

/**
 * The file rows without the values of `fields` (deferred, optional references), and those values
 * by id. Rows without an id get one at insert and cannot be found again: they keep their values
 * (a reference whose target is not there yet is then reported by the insert).
 */
function holdBack(records: readonly ExportedRecord[], fields: readonly string[]): { rows: ExportedRecord[]; held: Held } {
  const held: Held = new Map();
  if (fields.length === 0) return { rows: [...records], held };
  const rows = records.map((r) => {
    const id = r['id'];
    if (typeof id !== 'string' || id === '') return r;
    const values: Record<string, string> = {};
    const rest: Record<string, unknown> = { ...r };
    for (const f of fields) {
      const v = r[f];
      if (typeof v === 'string') values[f] = v;
      delete rest[f];
    }
    if (Object.keys(values).length > 0) held.set(id, values);
    return rest as ExportedRecord;
  });
  return { rows, held };
}

/**
 * Sets the held-back references of the rows just inserted, each only when it names a record of
 * the row's own account in its target (as the insert checks); the others stay empty and are
 * reported. Audited as an update of the imported row.
 */
async function fillHeld(deps: ImportRun, trx: Trx, ctx: RequestContext, table: RecordTable, held: Held, rows: readonly Readonly<Record<string, unknown>>[], out: RecordsOutcome) {
  for (const row of rows) {
    const id = String(row['id']);
    const values = held.get(id);
    if (!values) continue;
    const account = String(row['account_id']);
    const set: Record<string, string> = {};
    for (const [name, value] of Object.entries(values)) {
      const target = table.fields.find((f) => f.name === name)?.collection ?? '';
      const found = value.length <= 36 && (await dynamicTenantTable(trx, accountScope(account), collectionTableName(target)).select().select('id').where('id', '=', value).executeTakeFirst());
      if (found) set[name] = value;
      else out.skipped.push({ collection: table.name, id, account_id: account, reason: `reference '${name}' left empty: names no record of this account in '${target}'` });
    }
    if (Object.keys(set).length === 0) continue;
    await dynamicTenantTable(trx, accountScope(account), table.tableName).update(set).where('id', '=', id).execute();
    await deps.audit.record(trx, ctx, { operation: 'UPDATE', table: table.tableName, recordId: id, accountId: account, before: { ...row }, after: set });
  }
}

/**
 * Writes a group of collections and their records inside `options.trx`, as one unit, in three
 * passes so collections that reference each other can be imported: (1) each collection is
 * created (or re-defined) without its `deferred` references — a created one keeps its rules
 * locked until then, as they may name those fields; (2) the deferred references are added
 * (an ALTER in the same transaction) and the created collection's rules set; (3) the records
 * are inserted, the values of optional deferred references held back and set once every
 * member's rows exist. A required deferred reference keeps its values (a row naming a record
 * not there yet is reported, never a database error). A failure names its collection
 * ({@link CollectionStepError}).
 */
export async function writeGroup(
  deps: ImportRun,
  ctx: RequestContext,
  group: readonly GroupMember[],
  deferred: ReadonlyMap<string, ReadonlySet<string>>,
  options: CollectionWriteOptions & { trx: Trx },
  onProgress?: Progress,
): Promise<GroupResult[]> {
  // A field the existing collection already has is not deferred: dropping it for a moment would drop its data.
  const later = group.map(({ c, existing }) => [...(deferred.get(keyOf(c)) ?? [])].filter((f) => !existing?.schema.some((x) => x.name === f)));
  const defined: CollectionResponse[] = [];
  for (const [i, { c, existing }] of group.entries()) {
    const skip = new Set(later[i]);
    const schema = placeheld(c.schema.filter((f) => !skip.has(String(f['name']))), c.schema);
    const rules = skip.size > 0 ? {} : rulesOf(c);
    defined.push(
      await step(c, () => (existing ? deps.collections.update(ctx, existing.id, { schema }, options) : deps.collections.create(ctx, { name: c.name, schema, ...rules }, options))),
    );
  }
  for (const [i, { c, existing }] of group.entries()) {
    if (later[i]?.length === 0) continue;
    defined[i] = await step(c, () => deps.collections.update(ctx, (defined[i] as CollectionResponse).id, { schema: c.schema }, options));
    if (!existing) await step(c, () => deps.collections.updateRules(ctx, c.name, rulesOf(c), options));
  }
  const out: GroupResult[] = [];
  const pending: { table: RecordTable; held: Held; rows: readonly Readonly<Record<string, unknown>>[]; records: RecordsOutcome }[] = [];
  for (const [i, { c }] of group.entries()) {
    const written = defined[i] as CollectionResponse;
    const table = tableOf(written);
    const optional = (later[i] ?? []).filter((name) => !table.fields.find((f) => f.name === name)?.required);
    const { rows, held } = holdBack(c.records ?? [], optional);
    const inserted = rows.length ? await step(c, () => importRecords(deps, options.trx, ctx, table, rows, onProgress)) : { out: { ...NO_RECORDS, skipped: [] }, rows: [] };
    pending.push({ table, held, rows: inserted.rows, records: inserted.out });
    out.push({ written, records: inserted.out });
  }
  for (const [i, p] of pending.entries()) {
    if (p.held.size > 0) await step((group[i] as GroupMember).c, () => fillHeld(deps, options.trx, ctx, p.table, p.held, p.rows, p.records));
  }
  return out;
}
