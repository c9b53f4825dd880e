import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { nowIso, type GlobalDatabase } from '@snackbase/db';
import type { RequestContext } from '../context';
import { notFound } from '../errors';
import type { RulesInput } from './collection-input';
import { LOCKED_RULES, rulesOnly, type CollectionRules } from './collection-model';
import { collectionByName, rulesOf, type StoredCollection, type StoredRules } from './collection-reads';
import { collectionResponse, rulesResponse, type CollectionRulesResponse } from './collection-responses';
import { afterCommit, checkRules, type CollectionsDeps } from './collections-admin-support';
import { beforeHook, requireSuperadmin, runWrite, type CollectionWriteOptions } from './collection-write-support';

const RULE_KEYS: readonly (keyof CollectionRules)[] = Object.keys(LOCKED_RULES) as (keyof CollectionRules)[];

const rulesCollectionNotFound = (name: string) => notFound(`Collection '${name}' not found`);

/** The rules row of `c`, created locked when missing (spec §5.6), audited. */
async function ensureRules(deps: CollectionsDeps, trx: Transaction<GlobalDatabase>, ctx: RequestContext, c: StoredCollection): Promise<{ rules: StoredRules; created: boolean }> {
  const existing = await rulesOf(trx, c.id);
  if (existing) return { rules: existing, created: false };
  const now = nowIso();
  const row = { id: randomUUID(), collection_id: c.id, ...LOCKED_RULES, created_at: now, updated_at: now };
  await trx.insertInto('collection_rules').values(row).execute();
  await deps.audit.record(trx, ctx, { operation: 'CREATE', table: 'collection_rules', recordId: row.id, accountId: null, after: row });
  return { rules: row, created: true };
}

/** `GET /collections/{name}/rules` (spec §5.6). */
export async function getCollectionRules(deps: CollectionsDeps, ctx: RequestContext, name: string): Promise<CollectionRulesResponse> {
  requireSuperadmin(ctx);
  const c = await collectionByName(deps.db.kysely, name);
  if (!c) throw rulesCollectionNotFound(name);
  const found = await rulesOf(deps.db.kysely, c.id);
  if (found) return rulesResponse(found);
  const { rules, created } = await deps.db.transaction((trx) => ensureRules(deps, trx, ctx, c));
  if (created) deps.catalog.invalidate();
  return rulesResponse(rules);
}

/** A rule value as stored: a `*_fields` list is never null ("all fields" is `*`). */
const storedRule = (key: keyof CollectionRules, value: string | null): string | null => (key.endsWith('_fields') ? (value ?? '*') : value);

/**
 * The rules to write: what the before-hook left in `definition.rules` (it may change them),
 * keyed by rule; a key counts when the request gave it or the hook changed it.
 */
function patchOf(stored: CollectionRules, proposed: Readonly<Record<string, string | null>>, drafted: unknown, given: ReadonlySet<string>): Record<string, string | null> {
  const fromHook = (drafted && typeof drafted === 'object' ? drafted : proposed) as Record<string, unknown>;
  const patch: Record<string, string | null> = {};
  for (const key of RULE_KEYS) {
    const raw = fromHook[key];
    const value = typeof raw === 'string' || raw === null ? storedRule(key, raw) : (proposed[key] ?? null);
    if (given.has(key) || value !== stored[key]) patch[key] = value;
  }
  return patch;
}

/**
 * `PUT /collections/{name}/rules` (spec §5.6): partial by presence (absent = unchanged, null =
 * locked, "" = public). Every given rule goes through the rule checker and every given field
 * list is checked against the schema; all problems come back at once as 400 `invalid_rule`.
 * Fires `collection.beforeUpdate` (may change the rules or abort: nothing is written) and,
 * after commit when something was written, `collection.afterUpdate`; both carry the definition
 * with its `rules`, new in `definition` and old in `previous`.
 */
export async function updateCollectionRules(
  deps: CollectionsDeps,
  ctx: RequestContext,
  name: string,
  input: RulesInput,
  options: CollectionWriteOptions = {},
): Promise<CollectionRulesResponse> {
  requireSuperadmin(ctx);
  const db = options.trx ?? deps.db.kysely;
  const given = new Set<string>(RULE_KEYS.filter((k) => input[k] !== undefined));
  const known = await collectionByName(db, name);
  if (!known) throw rulesCollectionNotFound(name);
  const stored = rulesOnly((await rulesOf(db, known.id)) ?? LOCKED_RULES);
  const proposed: Record<string, string | null> = { ...stored };
  for (const key of RULE_KEYS) if (given.has(key)) proposed[key] = storedRule(key, input[key] ?? null);
  const previous = { ...collectionResponse(known), rules: stored };
  const draft = await beforeHook(() =>
    deps.hooks.runBefore('collection.beforeUpdate', { ctx, collection: known.name, definition: { ...collectionResponse(known), rules: { ...proposed } }, previous }),
  );
  const patch = patchOf(stored, proposed, draft.definition['rules'], given);
  const keys = new Set(Object.keys(patch));
  // Checked before the transaction: loading stored macros must not wait on it (one SQLite connection).
  await checkRules(deps, { ...LOCKED_RULES, ...patch } as CollectionRules, known.fields, keys);
  const result = await runWrite(
    deps.db,
    options,
    async (trx) => {
      const c = await collectionByName(trx, name);
      if (!c || c.id !== known.id) throw rulesCollectionNotFound(name);
      const { rules } = await ensureRules(deps, trx, ctx, c);
      if (keys.size === 0) return { c, before: rules, rules, written: false };
      const after = { ...patch, updated_at: nowIso() };
      await trx.updateTable('collection_rules').set(after).where('id', '=', rules.id).execute();
      await deps.audit.record(trx, ctx, { operation: 'UPDATE', table: 'collection_rules', recordId: rules.id, accountId: null, before: { ...rules }, after });
      return { c, before: rules, rules: { ...rules, ...patch, updated_at: after.updated_at } as StoredRules, written: true };
    },
    ({ c, before, rules, written }) =>
      afterCommit(deps, () =>
        written
          ? deps.hooks.runAfter('collection.afterUpdate', {
              ctx,
              collection: c.name,
              definition: { ...collectionResponse(c), rules: rulesOnly(rules) },
              previous: { ...collectionResponse(c), rules: rulesOnly(before) },
            })
          : Promise.resolve(),
      )(),
  );
  return rulesResponse(result.rules);
}
