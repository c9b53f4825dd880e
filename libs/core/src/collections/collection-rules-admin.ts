import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { nowIso, type GlobalDatabase } from '@snackbase/db';
import type { RequestContext } from '../context';
import { notFound } from '../errors';
import type { RulesInput } from './collection-input';
import { LOCKED_RULES, type CollectionRules } from './collection-model';
import { collectionByName, rulesOf, type StoredCollection, type StoredRules } from './collection-reads';
import { rulesResponse, type CollectionRulesResponse } from './collection-responses';
import { checkRules, type CollectionsDeps } from './collections-admin-support';
import { requireSuperadmin } from './collection-write-support';

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

/**
 * `PUT /collections/{name}/rules` (spec §5.6): partial by presence (absent = unchanged, null =
 * locked, "" = public). Every given rule goes through the rule checker and every given field
 * list is checked against the schema; all problems come back at once as 400 `invalid_rule`.
 */
export async function updateCollectionRules(deps: CollectionsDeps, ctx: RequestContext, name: string, input: RulesInput): Promise<CollectionRulesResponse> {
  requireSuperadmin(ctx);
  const given = RULE_KEYS.filter((k) => input[k] !== undefined);
  const patch: Record<string, string | null> = {};
  for (const key of given) patch[key] = key.endsWith('_fields') ? (input[key] ?? '*') : (input[key] ?? null);
  const known = await collectionByName(deps.db.kysely, name);
  if (!known) throw rulesCollectionNotFound(name);
  // Checked before the transaction: loading stored macros must not wait on it (one SQLite connection).
  await checkRules(deps, { ...LOCKED_RULES, ...patch } as CollectionRules, known.fields, new Set(given));
  const updated = await deps.db.transaction(async (trx) => {
    const c = await collectionByName(trx, name);
    if (!c || c.id !== known.id) throw rulesCollectionNotFound(name);
    const { rules } = await ensureRules(deps, trx, ctx, c);
    const next = { ...rules, ...patch } as StoredRules;
    if (given.length === 0) return rules;
    const after = { ...patch, updated_at: nowIso() };
    await trx.updateTable('collection_rules').set(after).where('id', '=', rules.id).execute();
    await deps.audit.record(trx, ctx, { operation: 'UPDATE', table: 'collection_rules', recordId: rules.id, accountId: null, before: { ...rules }, after });
    return { ...next, updated_at: after.updated_at };
  });
  deps.catalog.invalidate();
  return rulesResponse(updated);
}
