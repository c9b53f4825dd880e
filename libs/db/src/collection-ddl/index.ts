export type { CollectionColumn, CollectionColumnType, CollectionTableChange, ReferenceOnDelete } from './collection-column';
export { CollectionDdlError } from './collection-ddl-error';
export type { CollectionDdlErrorCode } from './collection-ddl-error';
export { createCollectionTable, dropCollectionTable } from './create-collection-table';
export { alterCollectionTable } from './alter-collection-table';
