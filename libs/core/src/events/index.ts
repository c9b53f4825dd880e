export { appErrorFromHook, awaitBeforeHook } from './app-error-from-hook';
export { createAppHooks, RECORD_HOOK_HELPERS } from './create-app-hooks';
export type { AppHooks, CollectionSelector, RecordHookHelpers, RecordHookOptions } from './create-app-hooks';
export { APP_EVENT_NAMES, appEventFromReference, HOOK_EVENTS, isAppEventName, REFERENCE_EVENT_NAMES } from './event-catalogue';
export type { AppEventName, AppEvents, HookCategory, HookEventInfo } from './event-catalogue';
export type {
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
  CollectionUpdatePayload,
  EventContext,
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
  RecordPayload,
  RecordQuery,
  RequestAfterPayload,
  RequestBeforePayload,
  RowData,
} from './event-payloads';
export { HOOKS_DIR_ENV, HookModuleError, loadHookModules } from './load-hook-modules';
export { withAuthHooks } from './with-auth-hooks';
export { withIdentityHooks } from './with-identity-hooks';
export type { HookModule, HookModuleContext, LoadHookModulesOptions } from './load-hook-modules';
