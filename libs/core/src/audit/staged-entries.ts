import type { AuditEntryInput } from './audit-writer';

/** The members that differ between the entries of one change: one per changed column. */
const PER_COLUMN = ['column_name', 'old_value', 'new_value'] as const;
type PerColumn = (typeof PER_COLUMN)[number];
type Shared = Omit<AuditEntryInput, PerColumn>;

/**
 * The staged form of one change: the members every entry shares, once, and per entry its
 * column and values. The entries of a change repeat everything but those three, and written in
 * full a nine-column create took ~4 KB, past PostgreSQL's 2 KB TOAST threshold (compressed on
 * insert, decompressed when the chainer reads it back); this form is about a quarter of that.
 */
interface CompactStaged {
  readonly shared: Shared;
  readonly columns: ReadonlyArray<readonly [string, string | null, string | null]>;
}

/** True when `b` matches `a` in every member but the per-column ones (metadata by identity or text). */
function sharesAll(a: AuditEntryInput, b: AuditEntryInput): boolean {
  for (const key of Object.keys(a) as (keyof AuditEntryInput)[]) {
    if ((PER_COLUMN as readonly string[]).includes(key) || a[key] === b[key]) continue;
    if (key === 'extra_metadata' && JSON.stringify(a[key]) === JSON.stringify(b[key])) continue;
    return false;
  }
  return Object.keys(b).length === Object.keys(a).length;
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
  const compact: CompactStaged = { shared: shared as Shared, columns: dated.map((e) => [e.column_name, e.old_value, e.new_value]) };
  return JSON.stringify(compact);
}

/** The entries of a staged text, in order, in either form {@link encodeStagedEntries} writes. */
export function decodeStagedEntries(text: string): AuditEntryInput[] {
  const parsed = JSON.parse(text) as AuditEntryInput[] | CompactStaged;
  if (Array.isArray(parsed)) return parsed;
  return parsed.columns.map(([column_name, old_value, new_value]) => ({ ...parsed.shared, column_name, old_value, new_value }));
}
