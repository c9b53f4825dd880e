import { alterCollectionTable, nowIso } from '@snackbase/db';
import type { MacroRegistry } from '@snackbase/rules';
import type { RequestContext } from '../context';
import { fieldsOf, type FieldInput, type UpdateCollectionInput } from './collection-input';
import { collectionTableName, LOCKED_RULES, type CollectionRules } from './collection-model';
import { collectionColumns } from './collection-columns';
import { collectionById, rulesOf, type StoredCollection } from './collection-reads';
import { collectionResponse, type CollectionResponse } from './collection-responses';
import { validateFields } from './collection-validation';
import { collectionNotFound } from './collections-admin';
import { afterCommit, auditedCollection, macrosFor, missingTargets, schemaInvalid, type CollectionsDeps } from './collections-admin-support';
import { rulesProblems } from './rules-check';
import { planSchemaChange, rewriteFieldLists } from './schema-change';
import { beforeHook, ddlFailure, newRevision, requireSuperadmin, runWrite, schemaConflict, type CollectionWriteOptions } from './collection-write-support';

const PREFIX = 'Schema validation failed';

/** The rules must still make sense after the change: a rule naming a removed field would break every request. */
function ruleConflicts(rules: CollectionRules, next: StoredCollection['fields'], macros: MacroRegistry | undefined) {
  return rulesProblems(rules, next, macros).filter((p) => p.field?.endsWith('_rule'));
}

/**
 * `PUT /collections/{id}` (spec §3.4, plus §12.3 item 30): the full new field list. Fields may be
 * added, removed (with their data) or renamed (`renames`, data kept); `required`, `unique` and
 * `default` changes migrate the column. Existing rows that break the new schema make it a 409
 * `schema_conflict` and nothing changes; a type change is a 400 `type_change_not_allowed`.
 */
export async function updateCollection(
  deps: CollectionsDeps,
  ctx: RequestContext,
  id: string,
  input: UpdateCollectionInput,
  options: CollectionWriteOptions = {},
): Promise<CollectionResponse> {
  requireSuperadmin(ctx);
  const db = options.trx ?? deps.db.kysely;
  const existing = await collectionById(db, id);
  if (!existing) throw collectionNotFound(id);
  const previous = { ...collectionResponse(existing) };
  const draft = await beforeHook(() =>
    deps.hooks.runBefore('collection.beforeUpdate', { ctx, collection: existing.name, definition: { name: existing.name, schema: fieldsOf(input), renames: input.renames ?? {} }, previous }),
  );
  const def = draft.definition;
  const checked = validateFields(Array.isArray(def['schema']) ? (def['schema'] as FieldInput[]) : []);
  if (!checked.ok) throw schemaInvalid(PREFIX, checked.problems);
  const fields = checked.fields;
  const change = planSchemaChange(existing.fields, fields, (def['renames'] as Record<string, string> | undefined) ?? {});
  if (change.problems.length > 0) throw schemaInvalid(PREFIX, change.problems);
  const table = collectionTableName(existing.name);
  // Loaded before the transaction: stored macros must not wait on it (one SQLite connection).
  const macros = await macrosFor(deps, (await rulesOf(db, id)) ?? LOCKED_RULES);
  const updated = await runWrite(
    deps.db,
    options,
    async (trx) => {
      const current = await collectionById(trx, id);
      if (!current) throw collectionNotFound(id);
      const missing = await missingTargets(trx, fields, current.name);
      if (missing.length > 0) throw schemaInvalid(PREFIX, missing);
      const rules = await rulesOf(trx, id);
      const conflicts = ruleConflicts(rules ?? LOCKED_RULES, fields, macros);
      if (conflicts.length > 0) {
        throw schemaConflict(undefined, `The rules of '${current.name}' use fields the new schema lacks (${conflicts.map((c) => c.field).join(', ')}); change the rules first`);
      }
      const storedNames = new Set(collectionColumns(fields).map((c) => c.name));
      const renamed = Object.fromEntries(Object.entries(change.renamed).filter(([to]) => storedNames.has(to)));
      try {
        await alterCollectionTable(trx, deps.db.dialect, table, { before: collectionColumns(current.fields), after: collectionColumns(fields), renamed });
      } catch (e) {
        throw ddlFailure(e);
      }
      const row: StoredCollection = { ...current, fields, migration_revision: newRevision(), updated_at: nowIso() };
      await trx
        .updateTable('collections')
        .set({ schema: JSON.stringify(fields), migration_revision: row.migration_revision, updated_at: row.updated_at })
        .where('id', '=', id)
        .execute();
      await deps.audit.record(trx, ctx, { operation: 'UPDATE', table: 'collections', recordId: id, accountId: null, before: auditedCollection(current), after: auditedCollection(row) });
      const lists = rules ? rewriteFieldLists(rules, change) : {};
      if (rules && Object.keys(lists).length > 0) {
        const patch = { ...lists, updated_at: row.updated_at };
        await trx.updateTable('collection_rules').set(patch).where('id', '=', rules.id).execute();
        await deps.audit.record(trx, ctx, { operation: 'UPDATE', table: 'collection_rules', recordId: rules.id, accountId: null, before: { ...rules }, after: patch });
      }
      return row;
    },
    (row) => afterCommit(deps, () => deps.hooks.runAfter('collection.afterUpdate', { ctx, collection: row.name, definition: { ...collectionResponse(row) }, previous }))(),
  );
  return collectionResponse(updated);
}
