import type { ExportedCollection } from '@snackbase/contract';

/** The order an import creates collections in, and the reference cycles it had to break. */
export interface ImportOrder {
  readonly ordered: readonly ExportedCollection[];
  /** Names of collections inside a reference cycle (created in file order; spec §3.7 tolerates cycles). */
  readonly cyclic: readonly string[];
}

/** The reference targets of a collection that are other collections of the same file. */
function targetsOf(c: ExportedCollection, inFile: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const f of c.schema) {
    const target = typeof f['collection'] === 'string' ? f['collection'].toLowerCase() : undefined;
    if (String(f['type']).toLowerCase() === 'reference' && target && target !== c.name.toLowerCase() && inFile.has(target)) out.push(target);
  }
  return out;
}

/**
 * Reference targets first (spec §3.7), so a referencing table's foreign key and records find
 * their target. Stable: collections without an order between them keep the file's order. A
 * cycle cannot be ordered; its members follow in file order and are named in `cyclic`.
 * @example importOrder([{ name: 'posts', schema: [{ name: 'a', type: 'reference', collection: 'authors' }] }, { name: 'authors', schema: [] }])
 * // ordered: authors, posts
 */
export function importOrder(collections: readonly ExportedCollection[]): ImportOrder {
  const byName = new Map(collections.map((c) => [c.name.toLowerCase(), c]));
  const names = new Set(byName.keys());
  const ordered: ExportedCollection[] = [];
  const done = new Set<string>();
  let pending = collections.map((c) => c.name.toLowerCase());
  while (pending.length > 0) {
    const ready = pending.filter((n) => targetsOf(byName.get(n) as ExportedCollection, names).every((t) => done.has(t)));
    if (ready.length === 0) break;
    for (const n of ready) {
      done.add(n);
      ordered.push(byName.get(n) as ExportedCollection);
    }
    pending = pending.filter((n) => !done.has(n));
  }
  for (const n of pending) ordered.push(byName.get(n) as ExportedCollection);
  return { ordered, cyclic: pending.map((n) => (byName.get(n) as ExportedCollection).name) };
}

/**
 * The reference fields an import must add after a first pass, by lower-case collection name:
 * those whose target is another collection of the file that neither exists yet (`existing`,
 * lower-case names) nor comes earlier in `ordered`. Only reference cycles have any: the import
 * creates their members without them, then adds them once every member exists.
 * @example deferredReferences([a→b, b→a], new Set()) // Map { 'a' => Set { 'b' } }
 */
export function deferredReferences(ordered: readonly ExportedCollection[], existing: ReadonlySet<string>): Map<string, Set<string>> {
  const inFile = new Set(ordered.map((c) => c.name.toLowerCase()));
  const defined = new Set(existing);
  const out = new Map<string, Set<string>>();
  for (const c of ordered) {
    const key = c.name.toLowerCase();
    for (const f of c.schema) {
      const target = typeof f['collection'] === 'string' ? f['collection'].toLowerCase() : undefined;
      const pending = String(f['type']).toLowerCase() === 'reference' && target && target !== key && inFile.has(target) && !defined.has(target);
      if (pending) out.set(key, (out.get(key) ?? new Set()).add(String(f['name'])));
    }
    defined.add(key);
  }
  return out;
}
