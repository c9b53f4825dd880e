import type { AuditEntryInput } from './audit-writer';

/** The members that differ between the entries of one change: one per changed column. */
const PER_COLUMN = ['column_name', 'old_value', 'new_value'] as const;
type PerColumn = (typeof PER_COLUMN)[number];
/** The members of an entry other than its column and values. */
export type Shared = Omit<AuditEntryInput, PerColumn>;

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

/** True when `b` matches `a` in every member but the per-column ones (metadata by identity or text). */
function sharesAll(a: AuditEntryInput, b: AuditEntryInput): boolean {
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof AuditEntryInput>) {
    if ((PER_COLUMN as readonly string[]).includes(key) || a[key] === b[key]) continue;
    if (key === 'extra_metadata' && JSON.stringify(a[key]) === JSON.stringify(b[key])) continue;
    return false;
  }
  return true;
}

/**
 * `entries` as the text staged in `audit_pending`, each with `occurred_at` (default
 * `occurredAt`). Entries that share every other member (those of one change always do) are
 * written compactly; any others as the plain array, which {@link decodeStagedEntries} also reads
 * (and rows staged by earlier versions are in that form).
 */
export function encodeStagedEntries(entries: readonly AuditEntryInput[], occurredAt: string): string {
  const dated = entries.map((e) => (e.occurred_at ? e : { ...e, occurred_at: occurredAt }));
  const [first] = dated;
  if (!first || !dated.every((e) => sharesAll(first, e))) return JSON.stringify(dated);
  const shared: Record<string, unknown> = { ...first };
  for (const key of PER_COLUMN) delete shared[key];
  return encodeChange({ shared: shared as Shared, columns: dated.map((e) => [e.column_name, e.old_value, e.new_value]) }, occurredAt);
}

/** The entries of a staged text, in order, in either form {@link encodeStagedEntries} writes. */
export function decodeStagedEntries(text: string): AuditEntryInput[] {
  const parsed = JSON.parse(text) as AuditEntryInput[] | ChangeEntries;
  return Array.isArray(parsed) ? parsed : expandChange(parsed);
}
