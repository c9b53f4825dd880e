import type { Kysely } from 'kysely';
import type { GlobalDatabase } from '@snackbase/db';
import { filteredAuditLog, type AuditFilters } from './audit-query';

/** The formats `GET /audit-logs/export` writes (the reference's `pdf` was never implemented). */
export type AuditExportFormat = 'csv' | 'json';

/** At most this many rows per export, newest first (spec §7.5). */
export const AUDIT_EXPORT_MAX_ROWS = 10_000;

const PAGE = 500;

/** The columns of an export, in order, with their CSV headers (spec §7.5). */
const EXPORT_COLUMNS = [
  ['id', 'ID'],
  ['occurred_at', 'Timestamp'],
  ['operation', 'Operation'],
  ['table_name', 'Table'],
  ['record_id', 'Record ID'],
  ['column_name', 'Column'],
  ['old_value', 'Old Value'],
  ['new_value', 'New Value'],
  ['user_email', 'User'],
  ['ip_address', 'IP Address'],
  ['checksum', 'Checksum'],
] as const;
type ExportColumn = (typeof EXPORT_COLUMNS)[number][0];
type ExportRow = { readonly [K in ExportColumn]: string | number | null };

/** The MIME type of an export. */
export const AUDIT_EXPORT_CONTENT_TYPES: Readonly<Record<AuditExportFormat, string>> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** `audit_logs_YYYYMMDD_HHMMSS.<format>` in UTC, the reference's attachment name. */
export function auditExportFilename(format: AuditExportFormat, at: Date = new Date()): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);
  return `audit_logs_${stamp}.${format}`;
}

/** One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF; quotes doubled. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The export's rows, newest first, read in pages by descending id. */
async function* exportPages(db: Kysely<GlobalDatabase>, filters: AuditFilters): AsyncGenerator<ExportRow[]> {
  let before = Infinity;
  let left = AUDIT_EXPORT_MAX_ROWS;
  while (left > 0) {
    let q = filteredAuditLog(db, filters).select(EXPORT_COLUMNS.map(([c]) => c));
    if (before !== Infinity) q = q.where('id', '<', before);
    const rows = await q.orderBy('id', 'desc').limit(Math.min(PAGE, left)).execute();
    if (rows.length === 0) return;
    yield rows.map((r) => ({ ...r, id: Number(r.id) }));
    left -= rows.length;
    before = Number(rows[rows.length - 1]?.id);
    if (rows.length < PAGE) return;
  }
}

/** CSV text chunks: the header row, then one chunk per page; lines end in CRLF. */
async function* csvChunks(pages: AsyncIterable<ExportRow[]>): AsyncGenerator<string> {
  yield `${EXPORT_COLUMNS.map(([, header]) => header).join(',')}\r\n`;
  for await (const rows of pages) yield rows.map((r) => `${EXPORT_COLUMNS.map(([c]) => csvField(r[c])).join(',')}\r\n`).join('');
}

/** JSON text chunks that together are `JSON.stringify(rows, null, 2)`. */
async function* jsonChunks(pages: AsyncIterable<ExportRow[]>): AsyncGenerator<string> {
  let first = true;
  for await (const rows of pages) {
    const items = rows.map((r) => `  ${JSON.stringify(r, null, 2).replace(/\n/g, '\n  ')}`).join(',\n');
    yield `${first ? '[\n' : ',\n'}${items}`;
    first = false;
  }
  yield first ? '[]' : '\n]';
}

/**
 * Streams the filtered audit log as CSV or JSON text chunks (spec §7.5): at most
 * {@link AUDIT_EXPORT_MAX_ROWS} rows, newest first, read a page at a time so memory stays flat.
 */
export function exportAuditLog(db: Kysely<GlobalDatabase>, filters: AuditFilters, format: AuditExportFormat): AsyncIterable<string> {
  const pages = exportPages(db, filters);
  return format === 'csv' ? csvChunks(pages) : jsonChunks(pages);
}
