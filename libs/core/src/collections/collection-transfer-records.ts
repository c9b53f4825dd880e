import type { Kysely, Transaction } from 'kysely';
import { fromDbBool, fromDbJson, nowIso, timeOrderedId, type GlobalDatabase, type SqlDialect } from '@snackbase/db';
import { accountScope, allAccounts, dynamicTenantTable } from '@snackbase/tenancy';
import type { ExportedRecord, SkippedRecord } from '@snackbase/contract';
import { collectionTableName, storedFields, type CollectionField, type CollectionModel } from './collection-model';
import { checkValue, normaliseDatetime } from '../records/value-checks';

/** The columns every collection table has besides its fields (spec §3.5). */
export const SYSTEM_COLUMNS = ['id', 'account_id', 'created_at', 'created_by', 'updated_at', 'updated_by'] as const;

/** Rows read per query when exporting, and inserted per statement when importing. */
export const EXPORT_PAGE_SIZE = 500;
const INSERT_CHUNK = 100;

const EXPORT_SCOPE = allAccounts('superadmin exports the records of every account');

/** What reading and writing a collection's rows needs of its definition. */
export type RecordTable = Pick<CollectionModel, 'name' | 'tableName' | 'fields'>;

function exportedValue(field: CollectionField | undefined, value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value === null || value === undefined || !field) return value ?? null;
  if (field.type === 'boolean') return fromDbBool(value);
  if (field.type === 'json') return fromDbJson<unknown>(value, null);
  return value;
}

/** A stored row as the export file carries it: system fields first, booleans and JSON decoded. */
export function exportedRecord(model: RecordTable, row: Readonly<Record<string, unknown>>): ExportedRecord {
  const out: Record<string, unknown> = {};
  for (const c of SYSTEM_COLUMNS) out[c] = exportedValue(undefined, row[c]);
  for (const f of storedFields(model)) out[f.name] = exportedValue(f, row[f.name]);
  return out;
}

/**
 * Every row of a collection, every account, one page at a time in id order (keyset paging, so
 * a big table is never held in memory and a page costs one indexed range scan).
 */
export async function* recordPages(db: Kysely<GlobalDatabase>, model: RecordTable, pageSize = EXPORT_PAGE_SIZE): AsyncGenerator<ExportedRecord[]> {
  let after: string | undefined;
  for (;;) {
    let q = dynamicTenantTable(db, EXPORT_SCOPE, model.tableName).select().selectAll().orderBy('id').limit(pageSize);
    if (after !== undefined) q = q.where('id', '>', after);
    const rows = (await q.execute()) as Record<string, unknown>[];
    if (rows.length === 0) return;
    yield rows.map((r) => exportedRecord(model, r));
    if (rows.length < pageSize) return;
    after = String(rows[rows.length - 1]?.['id']);
  }
}

function storedValue(dialect: SqlDialect, field: CollectionField, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (field.type === 'boolean') return dialect === 'sqlite' ? (fromDbBool(value) ? 1 : 0) : fromDbBool(value);
  // JSON text on both dialects: pg would send a JS array as a PostgreSQL array literal.
  if (field.type === 'json') return JSON.stringify(value);
  if (field.type === 'file' && typeof value === 'object') return JSON.stringify(value);
  return value;
}

/** What {@link insertRecords} did with one batch of file rows. */
export interface InsertOutcome {
  /** The rows written, as stored (with their `account_id`), for the audit log. */
  readonly inserted: readonly Readonly<Record<string, unknown>>[];
  readonly skipped: readonly SkippedRecord[];
}

/** The file rows of a batch that name an existing account and a new id; the others, with the reason. */
async function admissible(
  trx: Transaction<GlobalDatabase>,
  model: RecordTable,
  rows: readonly ExportedRecord[],
): Promise<{ keep: ExportedRecord[]; skipped: SkippedRecord[] }> {
  const text = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : null);
  const accountIds = [...new Set(rows.map((r) => text(r['account_id'])).filter((v): v is string => v !== null))];
  const ids = rows.map((r) => text(r['id'])).filter((v): v is string => v !== null);
  const known = accountIds.length ? await trx.selectFrom('accounts').select('id').where('id', 'in', accountIds).execute() : [];
  const present = ids.length
    ? ((await dynamicTenantTable(trx, EXPORT_SCOPE, model.tableName).select().select('id').where('id', 'in', ids).execute()) as { id: string }[])
    : [];
  const accounts = new Set(known.map((a) => a.id));
  const taken = new Set(present.map((r) => r.id));
  const keep: ExportedRecord[] = [];
  const skipped: SkippedRecord[] = [];
  for (const r of rows) {
    const id = text(r['id']);
    const account = text(r['account_id']);
    const checked = checkedRow(model, r);
    const reason = !account || !accounts.has(account) ? 'account does not exist' : id && taken.has(id) ? 'a record with this id already exists' : checked.reason;
    if (reason) skipped.push({ collection: model.name, id: typeof r['id'] === 'string' ? r['id'].slice(0, 64) : id, account_id: account, reason });
    else keep.push(checked.row);
  }
  return { keep, skipped };
}

const MAX_ID_LENGTH = 36;

/**
 * A file row with its values checked as a record write checks them (and datetimes normalised),
 * or why it cannot be stored: a wrong type must be reported like a row of an unknown account,
 * not end the import with a database error (PostgreSQL) or be stored as is (SQLite's loose
 * column types), where every later read of the collection would trip over it.
 */
function checkedRow(model: RecordTable, r: ExportedRecord): { row: ExportedRecord; reason: string | null } {
  const fail = (reason: string) => ({ row: r, reason });
  const id = r['id'];
  if (id !== undefined && id !== null && id !== '' && (typeof id !== 'string' || id.length > MAX_ID_LENGTH)) return fail(`invalid id: expected a string of at most ${MAX_ID_LENGTH} characters`);
  const row: Record<string, unknown> = { ...r };
  for (const key of ['created_at', 'updated_at'] as const) {
    const value = r[key];
    if (value === undefined || value === null) continue;
    const iso = typeof value === 'string' ? normaliseDatetime(value) : undefined;
    if (!iso) return fail(`invalid value for '${key}': expected an ISO 8601 datetime`);
    row[key] = iso;
  }
  for (const key of ['created_by', 'updated_by'] as const) {
    const value = r[key];
    if (value !== undefined && value !== null && typeof value !== 'string') return fail(`invalid value for '${key}': expected a string`);
  }
  for (const f of storedFields(model)) {
    const value = r[f.name];
    if (value === undefined || value === null) continue;
    const checked = checkValue(f, value);
    if (!checked.ok) return fail(`invalid value for field '${f.name}': ${checked.message}`);
    row[f.name] = checked.value;
  }
  return { row, reason: null };
}

/**
 * The rows whose references name a record of THEIR OWN account (already in the target table, or
 * for a self-reference, a row of this batch in that account); the others are reported. The
 * foreign keys only check that the id exists somewhere: without this a file could link a
 * record to another tenant's record, whose deletion would then null or delete it (cascade) or
 * answer the other tenant's user with a reference error (restrict).
 */
async function sameAccountReferences(
  trx: Transaction<GlobalDatabase>,
  model: RecordTable,
  rows: readonly ExportedRecord[],
  skipped: SkippedRecord[],
): Promise<{ keep: ExportedRecord[]; skipped: SkippedRecord[] }> {
  const refs = model.fields.filter((f) => f.type === 'reference' && f.collection);
  if (refs.length === 0 || rows.length === 0) return { keep: [...rows], skipped };
  const found = new Map<string, Set<string>>(); // `${field}\u0000${account}` → ids of that account
  for (const f of refs) {
    const self = f.collection?.toLowerCase() === model.name.toLowerCase();
    const byAccount = new Map<string, Set<string>>();
    for (const r of rows) {
      const value = r[f.name];
      if (typeof value !== 'string') continue;
      const account = String(r['account_id']);
      byAccount.set(account, (byAccount.get(account) ?? new Set()).add(value));
    }
    for (const [account, ids] of byAccount) {
      const existing = (await dynamicTenantTable(trx, accountScope(account), collectionTableName(f.collection ?? ''))
        .select()
        .select('id')
        .where('id', 'in', [...ids])
        .execute()) as { id: string }[];
      const ok = new Set(existing.map((e) => e.id));
      if (self) for (const r of rows) if (String(r['account_id']) === account && typeof r['id'] === 'string') ok.add(r['id']);
      found.set(`${f.name}\u0000${account}`, ok);
    }
  }
  const keep: ExportedRecord[] = [];
  for (const r of rows) {
    const account = String(r['account_id']);
    const bad = refs.find((f) => typeof r[f.name] === 'string' && !found.get(`${f.name}\u0000${account}`)?.has(r[f.name] as string));
    if (bad) skipped.push({ collection: model.name, id: typeof r['id'] === 'string' ? r['id'] : null, account_id: account, reason: `reference '${bad.name}' names no record of this account in '${bad.collection ?? ''}'` });
    else keep.push(r);
  }
  return { keep, skipped };
}

/**
 * Inserts file rows into a collection table inside `trx`, each under its own account (the tenant
 * guard stamps `account_id` from the scope, never from the file), keeping ids, owners and
 * timestamps. Rows of unknown accounts and ids already present are reported, not inserted.
 * Keys that are neither system columns nor stored fields are ignored (computed fields, stale keys).
 */
export async function insertRecords(
  trx: Transaction<GlobalDatabase>,
  dialect: SqlDialect,
  model: RecordTable,
  rows: readonly ExportedRecord[],
  importedBy: string,
): Promise<InsertOutcome> {
  const admitted = await admissible(trx, model, rows);
  const { keep, skipped } = await sameAccountReferences(trx, model, admitted.keep, admitted.skipped);
  const fields = storedFields(model);
  const now = nowIso();
  const byAccount = new Map<string, Record<string, unknown>[]>();
  for (const r of keep) {
    const row: Record<string, unknown> = {
      id: typeof r['id'] === 'string' && r['id'] ? r['id'] : timeOrderedId(),
      created_at: r['created_at'] ?? now,
      created_by: r['created_by'] ?? importedBy,
      updated_at: r['updated_at'] ?? r['created_at'] ?? now,
      updated_by: r['updated_by'] ?? r['created_by'] ?? importedBy,
    };
    for (const f of fields) if (r[f.name] !== undefined) row[f.name] = storedValue(dialect, f, r[f.name]);
    const account = String(r['account_id']);
    byAccount.set(account, [...(byAccount.get(account) ?? []), row]);
  }
  const inserted: Record<string, unknown>[] = [];
  for (const [account, list] of byAccount) {
    const table = dynamicTenantTable(trx, accountScope(account), model.tableName);
    for (let i = 0; i < list.length; i += INSERT_CHUNK) await table.insert(list.slice(i, i + INSERT_CHUNK)).execute();
    inserted.push(...list.map((row) => ({ ...row, account_id: account })));
  }
  return { inserted, skipped };
}
