import { randomUUID } from 'node:crypto';
import { createCollectionTable, dropCollectionTable, nowIso, translateDbError } from '@snackbase/db';
import type { RequestContext } from '../context';
import { conflict, notFound } from '../errors';
import { collectionColumns } from './collection-columns';
import { removeCollectionDependents } from './collection-dependents';
import type { CreateCollectionInput, FieldInput } from './collection-input';
import { fieldsOf } from './collection-input';
import { collectionTableName, LOCKED_RULES, type CollectionRules } from './collection-model';
import { allCollections, collectionById, collectionByName, recordsTotal, referencingFields, type StoredCollection } from './collection-reads';
import { collectionResponse, type CollectionDeleted, type CollectionResponse } from './collection-responses';
import { collectionNameProblems, validateFields } from './collection-validation';
import { afterCommit, auditedCollection, checkRules, missingTargets, schemaInvalid, type CollectionsDeps } from './collections-admin-support';
import { beforeHook, ddlFailure, newRevision, requireSuperadmin, runWrite, type CollectionWriteOptions } from './collection-write-support';

const RULE_KEYS = ['list_rule', 'view_rule', 'create_rule', 'update_rule', 'delete_rule', 'list_fields', 'view_fields', 'create_fields', 'update_fields'] as const;

/** The rules of a create body: locked and `*` unless given (spec §3.4). */
function rulesOfInput(input: Readonly<Record<string, unknown>>): CollectionRules {
  const out: Record<string, unknown> = { ...LOCKED_RULES };
  for (const key of RULE_KEYS) {
    const value = input[key];
    if (value === undefined) continue;
    // A null field list means "all fields": the column cannot be null.
    out[key] = value === null && key.endsWith('_fields') ? '*' : value;
  }
  return out as unknown as CollectionRules;
}

export const collectionNotFound = (id: string) => notFound(`Collection with ID '${id}' not found`);
export const nameTaken = (name: string) => conflict(`Collection '${name}' already exists`, 'unique_violation', { field: 'name' });

/**
 * `POST /collections` (spec §3.4): validates the definition (and, unlike the reference, the
 * rules), then creates `col_<lower(name)>`, the collection row and its rules row in one
 * transaction, audited. `collection.beforeCreate` may change or refuse the definition.
 */
export async function createCollection(deps: CollectionsDeps, ctx: RequestContext, input: CreateCollectionInput, options: CollectionWriteOptions = {}): Promise<CollectionResponse> {
  requireSuperadmin(ctx);
  const definition: Record<string, unknown> = { ...rulesOfInput(input as Record<string, unknown>), name: input.name, schema: fieldsOf(input) };
  const draft = await beforeHook(() => deps.hooks.runBefore('collection.beforeCreate', { ctx, collection: String(input.name ?? ''), definition }));
  const def = draft.definition;
  const rawFields = Array.isArray(def['schema']) ? (def['schema'] as FieldInput[]) : [];
  const nameProblems = collectionNameProblems(def['name']);
  const checked = validateFields(rawFields);
  const problems = [...nameProblems, ...(checked.ok ? [] : checked.problems)];
  if (problems.length > 0 || !checked.ok) throw schemaInvalid('Validation failed', problems);
  const name = String(def['name']);
  const fields = checked.fields;
  const rules = rulesOfInput(def);
  await checkRules(deps, rules, fields);
  const table = collectionTableName(name);
  const created = await runWrite(
    deps.db,
    options,
    async (trx) => {
      if (await collectionByName(trx, name)) throw nameTaken(name);
      const missing = await missingTargets(trx, fields, name);
      if (missing.length > 0) throw schemaInvalid('Validation failed', missing);
      try {
        await createCollectionTable(trx, deps.db.dialect, table, collectionColumns(fields));
      } catch (e) {
        // A concurrent create of the same name (PostgreSQL: the table appeared meanwhile).
        if ((e as { code?: string }).code === '42P07' || translateDbError(e)?.kind === 'unique') throw nameTaken(name);
        throw ddlFailure(e);
      }
      const now = nowIso();
      const row: StoredCollection = { id: randomUUID(), name, fields, migration_revision: newRevision(), created_at: now, updated_at: now };
      await trx
        .insertInto('collections')
        .values({ id: row.id, name, schema: JSON.stringify(fields), migration_revision: row.migration_revision, created_at: now, updated_at: now })
        .execute()
        .catch((e: unknown) => {
          // Two creates of one name at once: the unique index on lower(name) decides.
          throw translateDbError(e)?.kind === 'unique' ? nameTaken(name) : e;
        });
      const rulesRow = { id: randomUUID(), collection_id: row.id, ...rules, created_at: now, updated_at: now };
      await trx.insertInto('collection_rules').values(rulesRow).execute();
      await deps.audit.record(trx, ctx, { operation: 'CREATE', table: 'collections', recordId: row.id, accountId: null, after: auditedCollection(row) });
      await deps.audit.record(trx, ctx, { operation: 'CREATE', table: 'collection_rules', recordId: rulesRow.id, accountId: null, after: rulesRow });
      return row;
    },
    (row) => afterCommit(deps, () => deps.hooks.runAfter('collection.afterCreate', { ctx, collection: row.name, definition: { ...collectionResponse(row) } }))(),
  );
  return collectionResponse(created);
}

/**
 * `DELETE /collections/{id}`: drops the table, the rules row, the collection row and the
 * webhooks and API hooks bound to it in one transaction, all audited. Refused (409) while
 * another collection references it, so no reference dangles.
 */
export async function removeCollection(deps: CollectionsDeps, ctx: RequestContext, id: string): Promise<CollectionDeleted> {
  requireSuperadmin(ctx);
  const existing = await collectionById(deps.db.kysely, id);
  if (!existing) throw collectionNotFound(id);
  const draft = { ctx, collection: existing.name, definition: { ...collectionResponse(existing) } };
  await beforeHook(() => deps.hooks.runBefore('collection.beforeDelete', draft));
  return runWrite(
    deps.db,
    {},
    async (trx) => {
      const current = await collectionById(trx, id);
      if (!current) throw collectionNotFound(id);
      const referencing = referencingFields(await allCollections(trx), current.name);
      if (referencing.length > 0) {
        const list = referencing.map((r) => `${r.name}.${r.field}`).join(', ');
        throw conflict(`Collection '${current.name}' is referenced by ${list}; remove those reference fields before deleting it`, 'conflict', { referencing_collections: referencing });
      }
      const table = collectionTableName(current.name);
      const records = await recordsTotal(trx, table);
      await dropCollectionTable(trx, table);
      const rules = await trx.selectFrom('collection_rules').selectAll().where('collection_id', '=', id).executeTakeFirst();
      if (rules) {
        await trx.deleteFrom('collection_rules').where('id', '=', rules.id).execute();
        await deps.audit.record(trx, ctx, { operation: 'DELETE', table: 'collection_rules', recordId: rules.id, accountId: null, before: { ...rules } });
      }
      const dependents = await removeCollectionDependents(trx, deps.audit, ctx, current.name);
      await trx.deleteFrom('collections').where('id', '=', id).execute();
      await deps.audit.record(trx, ctx, { operation: 'DELETE', table: 'collections', recordId: id, accountId: null, before: auditedCollection(current) });
      return {
        message: 'Collection deleted successfully',
        collection_id: id,
        collection_name: current.name,
        table_name: table,
        records_deleted: records,
        webhooks_deleted: dependents.webhooks.length,
        hooks_deleted: dependents.hooks.length,
        migration_revision: newRevision(),
      };
    },
    afterCommit(deps, () => {
      // The delete removed webhooks and hooks of any account: rare enough to drop every cached set.
      deps.bus?.invalidate('webhooks', '*');
      deps.bus?.invalidate('api-hooks', '*');
      return deps.hooks.runAfter('collection.afterDelete', draft);
    }),
  );
}
