import type { SnackDatabase } from '@snackbase/db';
import type { TenantScope } from '@snackbase/tenancy';
import type { RuleCaller, RuleGates } from '../access';
import type { CollectionCatalog, CollectionModel } from '../collections';
import { AppError } from '../errors';
import { readableFields } from './readable-fields';
import { fieldMapOf, fromStoredRow, presentRecord } from './record-row';
import { gatedSelect } from './record-select';

/** `?expand=a,a.b,c` as a tree: each key a reference field, its value the paths below it. */
export type ExpandTree = ReadonlyMap<string, ExpandTree>;

/** What expansion needs of the request: who asks, in which accounts, how deep. */
export interface ExpandContext {
  readonly db: SnackDatabase;
  readonly catalog: CollectionCatalog;
  readonly gates: RuleGates;
  readonly caller: RuleCaller;
  readonly scope: TenantScope;
  readonly maxDepth: number;
}

export function parseExpand(paths: readonly string[]): ExpandTree {
  const root = new Map<string, Map<string, never>>();
  for (const path of paths) {
    let level: Map<string, unknown> = root;
    for (const segment of path.split('.').map((s) => s.trim()).filter((s) => s !== '')) {
      let next = level.get(segment) as Map<string, unknown> | undefined;
      if (!next) level.set(segment, (next = new Map()));
      level = next;
    }
  }
  return root as unknown as ExpandTree;
}

/** A reference field the caller can read for `op` (hidden and masked PII fields are not). */
function expandableField(model: CollectionModel, readable: ReadonlySet<string>, name: string) {
  const field = readable.has(name) ? fieldMapOf(model).get(name) : undefined;
  return field?.type === 'reference' && field.collection ? field : undefined;
}

/**
 * Every first segment must be a reference field the caller can read, else 400 `invalid_expand`
 * (spec §4.7; a hidden field gets the message of a non-reference one). Deeper segments are
 * checked lazily, as the reference: a non-reference segment there is ignored.
 */
export function assertExpandable(model: CollectionModel, readable: ReadonlySet<string>, tree: ExpandTree): void {
  for (const name of tree.keys()) {
    if (!expandableField(model, readable, name)) {
      throw new AppError(400, 'invalid_expand', 'Invalid expand field', `Field '${name.slice(0, 64)}' is not a reference field and cannot be expanded`);
    }
  }
}

/**
 * Replaces reference ids in `records` (already presented) by the referenced records, in place.
 * Per reference field and level ONE query loads every id of the page, in the request's account
 * scope and filtered by the TARGET's view rule; each loaded record is presented with the
 * target's `view_fields` and PII masks (spec §12.2 item 18: the reference leaked all three).
 * Missing, other-account and hidden targets become `null`. Nested paths recurse up to
 * `maxDepth` levels; beyond that ids stay strings.
 */
export async function expandRecords(
  ec: ExpandContext,
  model: CollectionModel,
  records: Record<string, unknown>[],
  tree: ExpandTree,
  readable: ReadonlySet<string>,
  depth = 1,
): Promise<void> {
  if (depth > ec.maxDepth || records.length === 0) return;
  for (const [name, subtree] of tree) {
    const field = expandableField(model, readable, name);
    if (!field?.collection) continue;
    const ids = [...new Set(records.map((r) => r[name]).filter((v): v is string => typeof v === 'string' && v !== ''))];
    if (ids.length === 0) continue;
    const loaded = await loadTargets(ec, field.collection, ids, subtree, depth);
    for (const record of records) {
      const id = record[name];
      if (typeof id === 'string') record[name] = loaded.get(id) ?? null;
    }
  }
}

async function loadTargets(
  ec: ExpandContext,
  collection: string,
  ids: readonly string[],
  subtree: ExpandTree,
  depth: number,
): Promise<ReadonlyMap<string, Record<string, unknown>>> {
  const target = await ec.catalog.byName(collection);
  if (!target) return new Map();
  let gate;
  try {
    gate = await ec.gates.gate(ec.caller, target, 'view', { tableAlias: target.tableName });
  } catch (e) {
    // Locked, sign-in required or a broken rule: the caller may not view the target, so the
    // reference shows as null, exactly like a missing record.
    if (e instanceof AppError) return new Map();
    throw e;
  }
  const rows = await gatedSelect(ec.db, ec.scope, target, gate)
    .selectAll(target.tableName)
    .where(`${target.tableName}.id`, 'in', ids)
    .execute();
  const presented = rows.map((row) => presentRecord(target, fromStoredRow(target, row as Record<string, unknown>, ec.db.dialect), 'view', ec.caller));
  if (subtree.size > 0) await expandRecords(ec, target, presented, subtree, readableFields(target, ec.caller, 'view').names, depth + 1);
  return new Map(presented.map((r) => [String(r['id']), r]));
}
