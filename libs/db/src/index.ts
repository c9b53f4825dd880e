export { columnTypes, fromDbBool, fromDbJson, nowIso } from './column-types';
export { timeOrderedId } from './time-ordered-id';
export type { ColumnTypes } from './column-types';
export { createDatabase } from './create-database';
export type { DatabaseOptions, SnackDatabase, TransactionOptions } from './create-database';
export { DatabaseUrlError, parseDatabaseUrl, redactDatabaseUrl } from './database-url';
export type { DatabaseTarget, SqlDialect } from './database-url';
export { DbError, translateDbError } from './db-error';
export type { DbErrorKind } from './db-error';
export { MigrationError, migrateDown, migrateToLatest, migrationStatus } from './migrate';
export type { MigrationState } from './migrate';
export type { SnackMigration } from './migrations/migration';
export type { PostgresPoolOptions } from './postgres-pool';
export { TENANT_TABLES } from './schema/system-database';
export type { GlobalDatabase, SystemDatabase, TenantTableName } from './schema/system-database';
export type {
  AccountsTable,
  DbBool,
  DbJson,
  GroupsTable,
  NullableTimestamp,
  RolesTable,
  Timestamp,
  UsersGroupsTable,
  UsersTable,
} from './schema/identity-tables';
export type { AuditLogTable, AuditOperation, AuditPendingTable } from './schema/audit-tables';
export type {
  ApiKeysTable,
  InvitationsTable,
  OAuthStatesTable,
  OneTimeTokensTable,
  RefreshTokensTable,
  TokenBlacklistTable,
} from './schema/auth-tables';
export type {
  EndpointExecutionsTable,
  EndpointsTable,
  HookExecutionsTable,
  HooksTable,
  JobsTable,
  WebhookDeliveriesTable,
  WebhooksTable,
  WorkflowInstancesTable,
  WorkflowStepLogsTable,
  WorkflowsTable,
} from './schema/automation-tables';
export type { Defaulted } from './schema/column-helpers';
export type { CollectionRulesTable, CollectionsTable, MacrosTable } from './schema/collection-tables';
export type { ConfigurationsTable, EmailLogsTable, EmailTemplatesTable } from './schema/config-tables';
export type { SqliteOptions } from './sqlite-connection';
// Collection table DDL (create/alter/drop of col_<name>), used by the collections module.
export { alterCollectionTable, CollectionDdlError, createCollectionTable, dropCollectionTable } from './collection-ddl';
export type { CollectionColumn, CollectionColumnType, CollectionDdlErrorCode, CollectionTableChange, ReferenceOnDelete } from './collection-ddl';
