export { createCollectionCatalog } from './collection-catalog';
export type { CollectionCatalog } from './collection-catalog';
export {
  collectionTableName,
  fieldListOf,
  LOCKED_RULES,
  normalizeStoredField,
  RULE_OPERATIONS,
  ruleOf,
  storedFields,
} from './collection-model';
export type {
  CollectionField,
  CollectionFieldType,
  CollectionModel,
  CollectionRules,
  ComputedReturnType,
  FieldListOperation,
  MaskType,
  OnDeleteAction,
  RuleOperation,
} from './collection-model';
export { createCollectionTransfer } from './collection-transfer';
export type { CollectionTransfer, CollectionTransferDeps, ExportRequest, ExportResult, ImportRequest } from './collection-transfer';
export type { TransferProgress } from './collection-transfer-export';
export { createCollections } from './create-collections';
export type { Collections } from './create-collections';
export type { CollectionDependent, CollectionDependents } from './collection-dependents';
export type { CollectionsDeps } from './collections-admin-support';
export type { CreateCollectionInput, FieldInput, RulesInput, UpdateCollectionInput } from './collection-input';
export type { CollectionListQuery } from './collection-queries';
export type {
  CollectionDeleted,
  CollectionDeletionPreview,
  CollectionListItem,
  CollectionListPage,
  CollectionResponse,
  CollectionRulesResponse,
} from './collection-responses';
export type { CollectionWriteOptions } from './collection-write-support';
export { MAX_COLLECTION_NAME, MAX_COMPUTED_FIELDS, MAX_FIELD_NAME, RESERVED_FIELD_NAMES } from './collection-validation';
