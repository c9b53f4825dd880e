import type { Kysely } from 'kysely';
import type { AuditOperation, GlobalDatabase } from '@snackbase/db';
import { invalidRequest } from '../errors';

/** The filters of the list and export endpoints (spec §7.5); every one optional, all ANDed. */
export interface AuditFilters {
  readonly accountId?: string;
  readonly tableName?: string;
  readonly recordId?: string;
  readonly userId?: string;
  readonly operation?: AuditOperation;
  /** Inclusive lower bound of `occurred_at`, ISO-8601 (a time without zone is UTC). */
  readonly from?: string;
  /** Inclusive upper bound of `occurred_at`. */
  readonly to?: string;
}

/** `GET /audit-logs` query: filters, `skip`/`limit` paging and a sort (spec §7.5). */
export interface AuditListQuery extends AuditFilters {
  /** Rows to skip, ≥ 0 (default 0). */
  readonly skip?: number;
  /** Rows per page, 1–500 (default 50). */
  readonly limit?: number;
  /** Any column of the table; an unknown one sorts by `occurred_at`, as the reference does. */
  readonly sortBy?: string;
  readonly sortOrder?: 'asc' | 'desc';
}

export const AUDIT_DEFAULT_LIMIT = 50;
export const AUDIT_MAX_LIMIT = 500;

/** The columns `sortBy` may name. */
export const AUDIT_SORTABLE = [
  'id', 'account_id', 'operation', 'table_name', 'record_id', 'column_name', 'old_value', 'new_value', 'user_id', 'user_email',
  'user_name', 'es_username', 'es_reason', 'es_timestamp', 'ip_address', 'user_agent', 'request_id', 'occurred_at', 'checksum', 'previous_hash',
] as const;
export type AuditSortColumn = (typeof AUDIT_SORTABLE)[number];

/** `sortBy` as a column: unknown names fall back to `occurred_at` (spec §7.5). */
export function sortColumn(name: string | undefined): AuditSortColumn {
  return (AUDIT_SORTABLE as readonly string[]).includes(name ?? '') ? (name as AuditSortColumn) : 'occurred_at';
}

/** An ISO-8601 instant as stored (UTC, milliseconds, `Z`); a 422 naming `field` when unreadable. */
export function parseInstant(value: string, field: string): string {
  const v = value.trim().replace(' ', 'T');
  // A date-time without a zone means UTC here, never the server's local time.
  const zoned = /T.*(Z|[+-]\d{2}:?\d{2})$/i.test(v) || !v.includes('T') ? v : `${v}Z`;
  const ms = Date.parse(zoned);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(ms)) {
    throw invalidRequest([{ field, message: 'must be an ISO-8601 date or date-time', code: 'invalid_datetime' }]);
  }
  return new Date(ms).toISOString();
}

/** A list query with its defaults filled and its dates parsed. */
export interface CheckedListQuery extends AuditFilters {
  readonly skip: number;
  readonly limit: number;
  readonly sortBy: AuditSortColumn;
  readonly sortOrder: 'asc' | 'desc';
}

/** Checks a list query and fills its defaults; a 422 for out-of-range paging or bad dates. */
export function normaliseListQuery(q: AuditListQuery): CheckedListQuery {
  const skip = q.skip ?? 0;
  const limit = q.limit ?? AUDIT_DEFAULT_LIMIT;
  if (!Number.isInteger(skip) || skip < 0) throw invalidRequest([{ field: 'skip', message: 'must be an integer ≥ 0', code: 'minimum' }]);
  if (!Number.isInteger(limit) || limit < 1 || limit > AUDIT_MAX_LIMIT) {
    throw invalidRequest([{ field: 'limit', message: `must be an integer from 1 to ${AUDIT_MAX_LIMIT}`, code: 'range' }]);
  }
  const sortOrder = q.sortOrder ?? 'desc';
  if (sortOrder !== 'asc' && sortOrder !== 'desc') throw invalidRequest([{ field: 'sort_order', message: 'must be asc or desc', code: 'enum' }]);
  return { ...checkedFilters(q), skip, limit, sortOrder, sortBy: sortColumn(q.sortBy) };
}

/** The filters with their dates parsed to stored instants. */
export function checkedFilters(f: AuditFilters): AuditFilters {
  return { ...f, from: f.from === undefined ? undefined : parseInstant(f.from, 'from_date'), to: f.to === undefined ? undefined : parseInstant(f.to, 'to_date') };
}

/**
 * `select … from audit_log` narrowed by `f` (already {@link checkedFilters checked}). Stored
 * timestamps share one format on SQLite, so comparing the text compares the instants.
 */
export function filteredAuditLog(db: Kysely<GlobalDatabase>, f: AuditFilters) {
  let q = db.selectFrom('audit_log');
  if (f.accountId !== undefined) q = q.where('account_id', '=', f.accountId);
  if (f.tableName !== undefined) q = q.where('table_name', '=', f.tableName);
  if (f.recordId !== undefined) q = q.where('record_id', '=', f.recordId);
  if (f.userId !== undefined) q = q.where('user_id', '=', f.userId);
  if (f.operation !== undefined) q = q.where('operation', '=', f.operation);
  if (f.from !== undefined) q = q.where('occurred_at', '>=', f.from);
  if (f.to !== undefined) q = q.where('occurred_at', '<=', f.to);
  return q;
}
