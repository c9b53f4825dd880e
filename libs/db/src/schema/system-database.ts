import type { AuditLogTable, AuditPendingTable } from './audit-tables';
import type { ApiKeysTable, InvitationsTable, OAuthStatesTable, OneTimeTokensTable, RefreshTokensTable, TokenBlacklistTable } from './auth-tables';
import type {
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
} from './automation-tables';
import type { CollectionRulesTable, CollectionsTable, MacrosTable } from './collection-tables';
import type { ConfigurationsTable, EmailLogsTable, EmailTemplatesTable } from './config-tables';
import type { AccountsTable, GroupsTable, RolesTable, UsersGroupsTable, UsersTable } from './identity-tables';

/** Every system table (spec Appendix A), as Kysely sees them. */
export interface SystemDatabase {
  accounts: AccountsTable;
  roles: RolesTable;
  users: UsersTable;
  groups: GroupsTable;
  users_groups: UsersGroupsTable;

  refresh_tokens: RefreshTokensTable;
  token_blacklist: TokenBlacklistTable;
  api_keys: ApiKeysTable;
  invitations: InvitationsTable;
  email_verification_tokens: OneTimeTokensTable;
  password_reset_tokens: OneTimeTokensTable;
  oauth_states: OAuthStatesTable;

  collections: CollectionsTable;
  collection_rules: CollectionRulesTable;
  macros: MacrosTable;

  configurations: ConfigurationsTable;
  email_templates: EmailTemplatesTable;
  email_logs: EmailLogsTable;

  audit_log: AuditLogTable;
  audit_pending: AuditPendingTable;

  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  jobs: JobsTable;
  hooks: HooksTable;
  hook_executions: HookExecutionsTable;
  endpoints: EndpointsTable;
  endpoint_executions: EndpointExecutionsTable;
  workflows: WorkflowsTable;
  workflow_instances: WorkflowInstancesTable;
  workflow_step_logs: WorkflowStepLogsTable;
}

/**
 * Tables whose rows belong to one account (they carry `account_id`). They are reachable only
 * through `@snackbase/tenancy`'s scoped accessor, never through {@link GlobalDatabase}.
 *
 * Global on purpose, though some carry `account_id`: `configurations` and `email_templates`
 * (system-level rows and system fallback), `email_logs`, `jobs` (account optional; one queue
 * and worker for all) and `audit_log` (superadmin-read, rows outlive accounts). The one-time
 * token tables and `oauth_states` are global because they are looked up by token hash before
 * any account is known; their rows hang off a user or carry the account in `metadata`.
 */
export const TENANT_TABLES = [
  'users',
  'groups',
  'refresh_tokens',
  'api_keys',
  'invitations',
  'webhooks',
  'webhook_deliveries',
  'hooks',
  'hook_executions',
  'endpoints',
  'endpoint_executions',
  'workflows',
  'workflow_instances',
  'workflow_step_logs',
] as const;

/** One of {@link TENANT_TABLES}. */
export type TenantTableName = (typeof TENANT_TABLES)[number];

/**
 * The tables any code may query directly. Tenant tables are left out on purpose, so that
 * `db.kysely.selectFrom('users')` does not compile: go through a `TenantScope` instead.
 */
export type GlobalDatabase = Omit<SystemDatabase, TenantTableName>;
