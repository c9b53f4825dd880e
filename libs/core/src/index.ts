export { ANONYMOUS, isSuperadminAccount } from './auth';
export type { Auth, IssuedTokens, LoginInput, LoginResult, Principal } from './auth';
export { createSuperadmin, hasSuperadmin, SYSTEM_ACCOUNT_ID, SYSTEM_ACCOUNT_SLUG } from './accounts';
export type { AccountDetail, AccountListQuery, AccountsAdmin, Page, SuperadminResult } from './accounts';
export { createAccountsAdmin } from './accounts';
export {
  AUDIT_EXPORT_CONTENT_TYPES,
  AUDIT_MAX_LIMIT,
  auditChecksum,
  auditExportFilename,
  canonicalize,
  createAudit,
  diffChange,
  encodeAuditValue,
  REDACTED,
} from './audit';
export type {
  Audit,
  AuditChange,
  AuditExportFormat,
  AuditFilters,
  AuditHead,
  AuditListPage,
  AuditListQuery,
  AuditLogEntry,
  AuditRecorder,
  ExportedHead,
  VerifyOptions,
  VerifyResult,
} from './audit';
export { API_KEY_PREFIX, isApiKeyFormat, LEGACY_API_KEY_PREFIX } from './api-keys';
export type { ApiKeyPrincipal, ApiKeys, CreateApiKeyInput } from './api-keys';
export { createIdentity } from './identity';
export type { Identity, IdentityMailer, RegisterInput, RegisterResult } from './identity';
export { createUsersAdmin } from './users';
export type { CreateUserInput, UpdateUserInput, UserListQuery, UserResponse, UsersAdmin } from './users';
export { ConfigError, loadConfig, MIN_SECRET_BYTES, redactConfig, resolveSecrets, SETTINGS } from './config';
export type { Config, ConfigSources, Environment, ResolvedSecrets, Secrets, Setting, SettingName } from './config';
export { systemContext } from './context';
export type { RequestContext } from './context';
export { createCore, openDatabase } from './create-core';
export type { Core, CoreDeps } from './create-core';
export {
  AppError,
  badRequest,
  conflict,
  forbidden,
  fromDbError,
  invalidRequest,
  notFound,
  payloadTooLarge,
  serviceUnavailable,
  tooManyRequests,
  unauthorized,
  unsupportedMediaType,
  validationFailed,
} from './errors';
export type { ErrorExtras } from './errors';
export {
  APP_EVENT_NAMES,
  appErrorFromHook,
  appEventFromReference,
  createAppHooks,
  HOOK_EVENTS,
  HOOKS_DIR_ENV,
  HookModuleError,
  isAppEventName,
  loadHookModules,
  RECORD_HOOK_HELPERS,
  REFERENCE_EVENT_NAMES,
  withAuthHooks,
} from './events';
export type {
  AppEventName,
  AppEvents,
  AppHooks,
  AppServePayload,
  AppTerminatePayload,
  AuthAccount,
  AuthBeforeLoginPayload,
  AuthBeforeRegisterPayload,
  AuthLogoutPayload,
  AuthPasswordResetPayload,
  AuthSessionPayload,
  AuthUser,
  CollectionPayload,
  CollectionSelector,
  CollectionUpdatePayload,
  EventContext,
  HookCategory,
  HookEventInfo,
  HookModule,
  HookModuleContext,
  LoadHookModulesOptions,
  MailerAfterSendPayload,
  MailerBeforeSendPayload,
  MailerMessage,
  ModelAfterUpdatePayload,
  ModelBeforeCreatePayload,
  ModelBeforeUpdatePayload,
  ModelPayload,
  RealtimeConnectionPayload,
  RealtimeMessagePayload,
  RealtimeSubscriptionPayload,
  RealtimeTransport,
  RecordAfterQueryPayload,
  RecordAfterUpdatePayload,
  RecordBeforeCreatePayload,
  RecordBeforeQueryPayload,
  RecordBeforeUpdatePayload,
  RecordHookHelpers,
  RecordHookOptions,
  RecordPayload,
  RecordQuery,
  RequestAfterPayload,
  RequestBeforePayload,
  RowData,
} from './events';
export { createGroups, GROUPS_DEFAULT_LIMIT, GROUPS_MAX_LIMIT } from './groups';
export type { CreateGroupInput, Groups, UpdateGroupInput } from './groups';
export type { Health } from './health';
export { createInvitations, DEFAULT_ROLE_ID, INVITATION_TTL_MS, INVITATIONS_DEFAULT_PAGE_SIZE, INVITATIONS_MAX_PAGE_SIZE } from './invitations';
export type { CreateInvitationInput, InvitationListQuery, InvitationMailer, Invitations } from './invitations';
export { createRoles, SEEDED_ROLES } from './roles';
export type { RoleInput, Roles } from './roles';
export { createLogger, requestIdFrom } from './logging';
export {
  createMail,
  createMailTransport,
  createResendTransport,
  createSesTransport,
  createSmtpTransport,
  MailSendError,
  seedEmailTemplates,
  seedSystemSettings,
  TEMPLATE_TYPES,
} from './mail';
export type {
  EmailLog,
  EmailLogQuery,
  EmailTemplate,
  Mail,
  MailLink,
  MailMessage,
  MailResult,
  MailTransport,
  PreviewInput,
  RenderedMail,
  SendMailInput,
  SystemSettings,
  TemplatePatch,
  TemplateType,
  TemplateVariables,
} from './mail';
export { createRateLimiter, createRedisClient } from './rate-limit';
export type { RateLimitDecision, RateLimiter, RateLimiterDeps, RateLimitPolicy } from './rate-limit';
export type { Logger, LoggerOptions } from './logging';
export { CLAIMABLE_STATUSES, createJobQueue, enqueueJob, JOB_STATUSES, JOBS_DEFAULT_LIMIT, JOBS_MAX_LIMIT, JobTimeoutError } from './jobs';
export type { EnqueueInput, Job, JobExecutor, JobHandler, JobListQuery, JobQueue, JobQueueConfig, JobQueueDeps, JobStats, JobStatus, JobWorkerOptions } from './jobs';
export {
  addressProblem,
  effectiveAllowPrivate,
  isOutboundBlockedError,
  OutboundBlockedError,
  OutboundRequestError,
  parseCidrList,
  safeRequest,
  systemResolve,
} from './outbound';
export type { OutboundBlockReason, ResolveHost, SafeRequestOptions, SafeResponse } from './outbound';
export { createWebhooks, defaultWebhookViewer, SIGNATURE_HEADER, signatureHeader, verifySignature } from './webhooks';
export type { CreateWebhookInput, UpdateWebhookInput, WebhookEvent, WebhookOwner, WebhookPage, Webhooks, WebhooksDeps, WebhookViewer } from './webhooks';
export { collectionTableName, fieldListOf, LOCKED_RULES, normalizeStoredField, RULE_OPERATIONS, ruleOf, storedFields } from './collections';
export type { CollectionCatalog, CollectionField, CollectionFieldType, CollectionModel, CollectionRules, ComputedReturnType, FieldListOperation, MaskType, OnDeleteAction, RuleOperation } from './collections';
export { createCollections, MAX_COLLECTION_NAME, MAX_COMPUTED_FIELDS, MAX_FIELD_NAME, RESERVED_FIELD_NAMES } from './collections';
export type {
  CollectionDeleted,
  CollectionDeletionPreview,
  CollectionListItem,
  CollectionListPage,
  CollectionListQuery,
  CollectionResponse,
  CollectionRulesResponse,
  Collections,
  CollectionsDeps,
  CollectionWriteOptions,
  CreateCollectionInput,
  FieldInput,
  RulesInput,
  UpdateCollectionInput,
} from './collections';
export { fromStoredRow, presentRecord, toIsoTimestamp, toStoredValue } from './records';
export type { BatchUpdateItem, RecordWrites, WriteMode } from './records';
export { validateRecordValues } from './records';
export type { AggregateResult, ExplainInput, ExplainResult, RecordCursorPage, RecordListPage, RecordReads } from './records';
export { createMacros, formatExpression, MACROS_DEFAULT_LIMIT, MACROS_MAX_LIMIT } from './macros';
export type { CreateMacroInput, Macros, MacrosDeps, TestMacroInput, UpdateMacroInput } from './macros';
export { createCollectionTransfer } from './collections';
export type { CollectionTransfer, CollectionTransferDeps, ExportRequest, ExportResult, ImportRequest, TransferProgress } from './collections';
export { assertWritableFields, maskRecord, maskValue, parseFieldList, PII_ACCESS_GROUP, projectFields, seesPii, SYSTEM_FIELD_NAMES, visibleFieldNames } from './access';
export type { FieldList } from './access';
export { createApiHooks, createScheduler, cronProblem, describeCron, MAX_HOOK_DEPTH, MAX_HOOKS_PER_ACCOUNT, nextCronRun, SCHEDULED_HOOK_JOB, SCHEDULED_QUEUE, SCHEDULER_POLL_INTERVAL_MS, subscribeApiHooks } from './scheduler';
export type { ApiHookEventInput, ApiHookListQuery, ApiHooks, ApiHooksDeps, CreateApiHookInput, RunResult, ScheduledHookPayload, Scheduler, SchedulerDeps, UpdateApiHookInput } from './scheduler';
