import type { CollectionColumn } from '@snackbase/db';
import { collectionTableName, type CollectionField } from './collection-model';

/** The physical columns of a field list: one per stored field (computed fields have none). */
export function collectionColumns(fields: readonly CollectionField[]): CollectionColumn[] {
  return fields
    .filter((f) => f.type !== 'computed')
    .map((f) => ({
      name: f.name,
      type: f.type as CollectionColumn['type'],
      required: f.required,
      unique: f.unique,
      ...(f.default !== null ? { default: f.default } : {}),
      ...(f.type === 'reference' && f.collection && f.on_delete ? { references: { table: collectionTableName(f.collection), onDelete: f.on_delete } } : {}),
    }));
}
