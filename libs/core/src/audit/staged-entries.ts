import type { AuditEntryInput } from './audit-writer';

/** The members of an entry other than its column and values (those differ per changed column). */
export type Shared = Omit<AuditEntryInput, 'column_name' | 'old_value' | 'new_value'>;

/**
 * The entries of one change in the form they are staged in: the members every entry shares,
 * once, and per entry its column and values. The entries of a change repeat everything but
 * those three, and written in full a nine-column create took ~4 KB, past PostgreSQL's 2 KB
 * TOAST threshold (compressed on insert, decompressed when the chainer reads it back); this
 * form is about a quarter of that, and is built without an object per entry.
 */
export interface ChangeEntries {
  readonly shared: Shared;
  readonly columns: ReadonlyArray<readonly [column: string, oldValue: string | null, newValue: string | null]>;
}

/** The staged text of `change`, its `occurred_at` (when unset) fixed to `occurredAt`. */
export function encodeChange(change: ChangeEntries, occurredAt: string): string {
  const dated: ChangeEntries = change.shared.occurred_at ? change : { shared: { ...change.shared, occurred_at: occurredAt }, columns: change.columns };
  return JSON.stringify(dated);
}

/** The entries of `change`, one per column, in order. */
export function expandChange(change: ChangeEntries): AuditEntryInput[] {
  return change.columns.map(([column_name, old_value, new_value]) => ({ ...change.shared, column_name, old_value, new_value }));
}

/**
 * The entries of a staged text, in order: the form {@link encodeChange} writes, or the plain
 * array of entries that versions before 2026-12-01 staged.
 */
export function decodeStagedEntries(text: string): AuditEntryInput[] {
  const parsed = JSON.parse(text) as AuditEntryInput[] | ChangeEntries;
  return Array.isArray(parsed) ? parsed : expandChange(parsed);
}
