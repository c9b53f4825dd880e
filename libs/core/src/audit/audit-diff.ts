import type { AuditOperation } from '@snackbase/db';
import { encodeAuditValue, storedAuditValue } from './audit-value';

/** A row as the caller has it: column name → value (any JSON-able value, Date, bigint, bytes). */
export type AuditRow = Readonly<Record<string, unknown>>;

/**
 * One write to audit. `before` is the row as it was (UPDATE, DELETE), `after` as it is now
 * (CREATE, UPDATE). Pass rows in one representation: a SQLite `1` next to a `true` reads as a
 * change. For UPDATE only the columns present in `after` are compared, so a partial patch works.
 */
export interface AuditChange {
  readonly operation: AuditOperation;
  /** Physical table, e.g. `users`, `col_posts`. */
  readonly table: string;
  readonly recordId: string | number;
  /** Tenant of the affected row; defaults to `after.account_id ?? before.account_id`. */
  readonly accountId?: string | null;
  readonly before?: AuditRow | null;
  readonly after?: AuditRow | null;
  /** Stored in `extra_metadata`, e.g. `{ auth_method: 'jwt' }`. */
  readonly metadata?: Readonly<Record<string, unknown>> | null;
}

/** One changed column, its values already encoded and secrets redacted. */
export interface ColumnChange {
  readonly column: string;
  readonly oldValue: string | null;
  readonly newValue: string | null;
}

function definedKeys(row: AuditRow | null | undefined): string[] {
  return row ? Object.keys(row).filter((k) => row[k] !== undefined) : [];
}

/**
 * The per-column entries of a change (spec §7.2): CREATE → every column of `after` (old null);
 * UPDATE → the columns of `after` whose encoded value differs from `before`'s; DELETE → every
 * column of `before` (new null). Secret columns are stored as `[redacted]`; a changed secret
 * still shows up as a (redacted) UPDATE, so a password change is visible without its hash.
 * @example diffChange({ operation: 'UPDATE', table: 't', recordId: 1, before: { a: 1, b: 2 }, after: { a: 1, b: 3 } })
 * // [{ column: 'b', oldValue: '2', newValue: '3' }]
 */
export function diffChange(change: AuditChange): ColumnChange[] {
  const { before, after } = change;
  if (change.operation === 'CREATE') {
    return definedKeys(after).map((column) => ({ column, oldValue: null, newValue: storedAuditValue(column, after?.[column]) }));
  }
  if (change.operation === 'DELETE') {
    return definedKeys(before).map((column) => ({ column, oldValue: storedAuditValue(column, before?.[column]), newValue: null }));
  }
  const out: ColumnChange[] = [];
  for (const column of definedKeys(after)) {
    if (encodeAuditValue(before?.[column]) === encodeAuditValue(after?.[column])) continue;
    out.push({ column, oldValue: storedAuditValue(column, before?.[column]), newValue: storedAuditValue(column, after?.[column]) });
  }
  return out;
}

/** The tenant of a change: the explicit one, else the row's own `account_id`. */
export function accountOf(change: AuditChange): string | null {
  if (change.accountId !== undefined) return change.accountId;
  const fromRow = change.after?.['account_id'] ?? change.before?.['account_id'];
  return typeof fromRow === 'string' ? fromRow : null;
}
