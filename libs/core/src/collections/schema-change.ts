import type { ErrorDetail } from '@snackbase/contract';
import type { CollectionField, CollectionRules } from './collection-model';

/** What a schema update does to the existing fields (beyond SnackBase: removal and rename, §12.3 item 30). */
export interface SchemaChange {
  /** Problems that make the update a 400 (type changes, bad renames). */
  readonly problems: ErrorDetail[];
  /** New name → old name of every renamed field (the DDL keeps their data). */
  readonly renamed: Readonly<Record<string, string>>;
  /** Old names of the fields dropped with their data. */
  readonly removed: readonly string[];
}

/**
 * Compares the stored fields with the validated new list. A field absent from the new list is
 * removed; `renames` maps old names to new ones; a field keeps its type (computed included).
 */
export function planSchemaChange(before: readonly CollectionField[], after: readonly CollectionField[], renames: Readonly<Record<string, string>>): SchemaChange {
  const problems: ErrorDetail[] = [];
  const oldByName = new Map(before.map((f) => [f.name, f]));
  const newIndex = new Map(after.map((f, i) => [f.name, i]));
  const renamed: Record<string, string> = {};
  for (const [from, to] of Object.entries(renames)) {
    if (!oldByName.has(from)) problems.push({ field: `renames.${from}`, message: `There is no field '${from}' to rename`, code: 'rename_source_missing' });
    else if (!newIndex.has(to)) problems.push({ field: `renames.${from}`, message: `The new schema has no field '${to}' to rename '${from}' to`, code: 'rename_target_missing' });
    // Renaming onto an existing name (a swap included) is refused: rename in two steps.
    else if (oldByName.has(to) && from !== to) problems.push({ field: `renames.${from}`, message: `Field '${to}' already exists`, code: 'field_name_duplicate' });
    else if (from !== to) renamed[to] = from;
  }
  const removed: string[] = [];
  for (const old of before) {
    const newName = renames[old.name] ?? old.name;
    const index = newIndex.get(newName);
    if (index === undefined) {
      removed.push(old.name);
      continue;
    }
    const next = after[index];
    if (next && next.type !== old.type) {
      problems.push({ field: `schema[${index}].type`, message: `Cannot change the type of field '${old.name}' from ${old.type} to ${next.type}`, code: 'type_change_not_allowed' });
    }
  }
  return { problems, renamed, removed };
}

/** The field lists of `rules` with renamed fields renamed and removed fields left out. */
export function rewriteFieldLists(rules: CollectionRules, change: SchemaChange): Partial<CollectionRules> {
  const newName = new Map(Object.entries(change.renamed).map(([to, from]) => [from, to]));
  const removed = new Set(change.removed);
  const out: Partial<Record<keyof CollectionRules, string>> = {};
  for (const key of ['list_fields', 'view_fields', 'create_fields', 'update_fields'] as const) {
    const text = rules[key];
    if (text === '*') continue;
    let names: unknown;
    try {
      names = JSON.parse(text);
    } catch {
      continue;
    }
    if (!Array.isArray(names)) continue;
    const next = names.filter((n) => !removed.has(String(n))).map((n) => newName.get(String(n)) ?? n);
    const rewritten = JSON.stringify(next);
    if (rewritten !== text) out[key] = rewritten;
  }
  return out;
}
