export { accountDetailSchema, accountListQuerySchema, createAccountRequestSchema, pageQuerySchema, updateAccountRequestSchema } from './accounts';
export {
  forgotPasswordRequestSchema,
  registerRequestSchema,
  resetPasswordRequestSchema,
  verifyEmailRequestSchema,
} from './identity';
export { createUserRequestSchema, setPasswordRequestSchema, updateUserRequestSchema, userListQuerySchema } from './users';
export {
  loginRequestSchema,
  loginResponseSchema,
  logoutRequestSchema,
  meResponseSchema,
  refreshRequestSchema,
  tokenPairResponseSchema,
} from './auth';
export type { MeResponse } from './auth';
export {
  addGroupUserRequestSchema,
  createGroupRequestSchema,
  groupDetailResponseSchema,
  groupListResponseSchema,
  groupMessageResponseSchema,
  groupResponseSchema,
  listGroupsQuerySchema,
  roleListResponseSchema,
  roleRequestSchema,
  roleResponseSchema,
  updateGroupRequestSchema,
} from './groups';
export type { GroupDetailResponse, GroupResponse, GroupUserResponse, RoleListResponse, RoleResponse } from './groups';
export {
  acceptInvitationRequestSchema,
  createInvitationRequestSchema,
  INVITATION_STATUSES,
  invitationListResponseSchema,
  invitationMessageResponseSchema,
  invitationResponseSchema,
  listInvitationsQuerySchema,
  publicInvitationResponseSchema,
} from './invitations';
export type { InvitationListResponse, InvitationResponse, InvitationStatus, PublicInvitationResponse } from './invitations';
export { apiKeyCreatedResponseSchema, apiKeyDetailResponseSchema, apiKeyListResponseSchema, createApiKeyRequestSchema } from './api-keys';
export type { ApiKeyCreatedResponse, ApiKeyDetailResponse, ApiKeyListItem, ApiKeyListResponse } from './api-keys';
export { ERROR_CODES } from './error-code';
export type { ErrorCode } from './error-code';
export { errorBodySchema } from './error-body';
export type { ErrorBody, ErrorDetail } from './error-body';
export {
  apiInfoResponseSchema,
  healthResponseSchema,
  liveResponseSchema,
  readyResponseSchema,
} from './health';
export type { ApiInfoResponse, HealthResponse, LiveResponse, ReadyResponse } from './health';
export {
  auditHeadResponseSchema,
  auditLogEntrySchema,
  auditLogExportQuerySchema,
  auditLogListQuerySchema,
  auditLogListResponseSchema,
  auditVerifyRequestSchema,
  auditVerifyResponseSchema,
} from './audit';
export type { AuditLogEntryResponse } from './audit';
export {
  emailLogListQuerySchema,
  emailLogListResponseSchema,
  emailLogResponseSchema,
  emailRenderResponseSchema,
  emailTemplateListQuerySchema,
  emailTemplateListResponseSchema,
  emailTemplateResponseSchema,
  emailTestResponseSchema,
  renderEmailTemplateRequestSchema,
  testEmailRequestSchema,
  updateEmailTemplateRequestSchema,
} from './email';
export {
  createWebhookRequestSchema,
  updateWebhookRequestSchema,
  WEBHOOK_DELIVERY_STATUSES,
  WEBHOOK_EVENTS,
  webhookCreatedResponseSchema,
  webhookDeliveryListResponseSchema,
  webhookDeliveryResponseSchema,
  webhookListResponseSchema,
  webhookPageQuerySchema,
  webhookResponseSchema,
  webhookTestResponseSchema,
} from './webhooks';
export type {
  WebhookCreatedResponse,
  WebhookDeliveryListResponse,
  WebhookDeliveryResponse,
  WebhookDeliveryStatus,
  WebhookEventKind,
  WebhookListResponse,
  WebhookResponse,
  WebhookTestResponse,
} from './webhooks';
export { JOB_STATUS_VALUES, jobListQuerySchema, jobListResponseSchema, jobResponseSchema, jobStatsResponseSchema } from './jobs';
export {
  collectionExportQuerySchema,
  collectionExportResponseSchema,
  collectionImportRequestSchema,
  collectionImportResponseSchema,
  IMPORT_STRATEGIES,
  MAX_REPORTED_SKIPPED_RECORDS,
} from './collection-transfer';
export type {
  CollectionExportFile,
  CollectionImportResponse,
  ExportedCollection,
  ExportedRecord,
  ExportedRules,
  ImportedCollectionResult,
  ImportItemStatus,
  ImportStrategy,
  SkippedRecord,
} from './collection-transfer';
export {
  createMacroRequestSchema,
  listMacrosQuerySchema,
  macroListResponseSchema,
  macroResponseSchema,
  macroTestResponseSchema,
  testMacroRequestSchema,
  updateMacroRequestSchema,
} from './macros';
export type { MacroResponse, MacroTestResponse } from './macros';
export {
  collectionDeletedResponseSchema,
  collectionDeletionPreviewSchema,
  collectionFieldSchema,
  collectionListResponseSchema,
  collectionNamesResponseSchema,
  collectionResponseSchema,
  collectionRulesResponseSchema,
  createCollectionRequestSchema,
  listCollectionsQuerySchema,
  updateCollectionRequestSchema,
  updateCollectionRulesRequestSchema,
} from './collections';
export {
  batchCreateRequestSchema,
  batchCreateResponseSchema,
  batchDeleteRequestSchema,
  batchDeleteResponseSchema,
  batchUpdateRequestSchema,
  batchUpdateResponseSchema,
  recordWriteRequestSchema,
  recordWriteResponseSchema,
} from './record-writes';
export type { RecordBatchUpdateItem } from './record-writes';
export {
  aggregateRecordsQuerySchema,
  aggregateResponseSchema,
  explainRuleRequestSchema,
  explainRuleResponseSchema,
  listRecordsQuerySchema,
  recordListResponseSchema,
  recordResponseSchema,
  viewRecordQuerySchema,
} from './records';
export {
  API_HOOK_ACTION_TYPES,
  API_HOOK_EVENTS,
  API_HOOK_EXECUTION_STATUSES,
  API_HOOK_TRIGGER_TYPES,
  apiHookExecutionListResponseSchema,
  apiHookListQuerySchema,
  apiHookListResponseSchema,
  apiHookPageQuerySchema,
  apiHookResponseSchema,
  apiHookTriggerResponseSchema,
  createApiHookRequestSchema,
  updateApiHookRequestSchema,
} from './api-hooks';
export type {
  ApiHookAction,
  ApiHookActionType,
  ApiHookEvent,
  ApiHookExecutionListResponse,
  ApiHookExecutionResponse,
  ApiHookExecutionStatus,
  ApiHookListResponse,
  ApiHookResponse,
  ApiHookTrigger,
  ApiHookTriggerResponse,
  ApiHookTriggerType,
} from './api-hooks';
