import { randomUUID } from 'node:crypto';
import { createCollectionTable } from '@snackbase/db';
import {
  collectionTableName,
  LOCKED_RULES,
  normalizeStoredField,
  type CollectionField,
  type CollectionModel,
  type CollectionRules,
  type Core,
} from '@snackbase/core';

/**
 * Test-only: collections defined straight in the database, so record specs need not wait for
 * (or go through) the collections admin API. Nothing here is part of the library's build.
 */

/** A field as a spec writes it: a name and a type, every other key defaulted. */
export type FixtureField = Partial<CollectionField> & Pick<CollectionField, 'name' | 'type'>;

/** What {@link defineCollection} creates. */
export interface FixtureCollection {
  readonly name: string;
  readonly fields: readonly FixtureField[];
  /** Rules on top of {@link LOCKED_RULES} (everything locked, every field listed). */
  readonly rules?: Partial<CollectionRules>;
}

/**
 * Inserts the `collections` and `collection_rules` rows and creates the `col_<name>` table in
 * one transaction, then drops the cached catalog. Reference fields point at
 * `col_<lower(target)>(id)` with their `on_delete` (default `set_null`).
 * @returns the model as the catalog now serves it.
 */
export async function defineCollection(core: Core, def: FixtureCollection): Promise<CollectionModel> {
  const fields = def.fields.map((f) => normalizeStoredField({ ...f, on_delete: f.on_delete ?? (f.type === 'reference' ? 'set_null' : null) }));
  const id = randomUUID();
  const table = collectionTableName(def.name);
  const rules = { ...LOCKED_RULES, ...def.rules };
  await core.db.transaction(async (trx) => {
    await trx
      .insertInto('collections')
      .values({ id, name: def.name, schema: JSON.stringify(fields), migration_revision: null })
      .execute();
    await trx
      .insertInto('collection_rules')
      .values({ id: randomUUID(), collection_id: id, ...rules })
      .execute();
    await createCollectionTable(
      trx,
      core.db.dialect,
      table,
      fields
        .filter((f) => f.type !== 'computed')
        .map((f) => ({
          name: f.name,
          type: f.type as Exclude<CollectionField['type'], 'computed'>,
          required: f.required,
          unique: f.unique,
          default: f.default,
          ...(f.type === 'reference' && f.collection ? { references: { table: collectionTableName(f.collection), onDelete: f.on_delete ?? 'set_null' } } : {}),
        })),
    );
  });
  core.catalog.invalidate();
  const model = await core.catalog.byName(def.name);
  if (!model) throw new Error(`collection ${def.name} was not defined`);
  return model;
}

/** Replaces some rules (and field lists) of a collection, then drops the cached catalog. */
export async function setRules(core: Core, name: string, rules: Partial<CollectionRules>): Promise<CollectionModel> {
  const model = await core.catalog.byName(name);
  if (!model) throw new Error(`no collection ${name}`);
  await core.db.kysely.updateTable('collection_rules').set(rules).where('collection_id', '=', model.id).execute();
  core.catalog.invalidate();
  const updated = await core.catalog.byName(name);
  if (!updated) throw new Error(`collection ${name} vanished`);
  return updated;
}
