import type * as P from './event-payloads';

/**
 * Every hook event of SnackBase (spec §6.2) and its payload. The names are part of the stable
 * API: adding one is fine, renaming or removing one is a breaking change. `HOOK_EVENTS` gives
 * each one's reference (Python) name, category and phase.
 */
export interface AppEvents {
  'app.bootstrap': P.EventContext;
  'app.serve': P.AppServePayload;
  'app.terminate': P.AppTerminatePayload;

  'model.beforeCreate': P.ModelBeforeCreatePayload;
  'model.afterCreate': P.ModelPayload;
  'model.beforeUpdate': P.ModelBeforeUpdatePayload;
  'model.afterUpdate': P.ModelAfterUpdatePayload;
  'model.beforeDelete': P.ModelPayload;
  'model.afterDelete': P.ModelPayload;

  'record.beforeCreate': P.RecordBeforeCreatePayload;
  'record.afterCreate': P.RecordPayload;
  'record.beforeUpdate': P.RecordBeforeUpdatePayload;
  'record.afterUpdate': P.RecordAfterUpdatePayload;
  'record.beforeDelete': P.RecordPayload;
  'record.afterDelete': P.RecordPayload;
  'record.beforeQuery': P.RecordBeforeQueryPayload;
  'record.afterQuery': P.RecordAfterQueryPayload;

  'collection.beforeCreate': P.CollectionPayload;
  'collection.afterCreate': P.CollectionPayload;
  'collection.beforeUpdate': P.CollectionUpdatePayload;
  'collection.afterUpdate': P.CollectionUpdatePayload;
  'collection.beforeDelete': P.CollectionPayload;
  'collection.afterDelete': P.CollectionPayload;

  'auth.beforeLogin': P.AuthBeforeLoginPayload;
  'auth.afterLogin': P.AuthSessionPayload;
  'auth.beforeLogout': P.AuthLogoutPayload;
  'auth.afterLogout': P.AuthLogoutPayload;
  'auth.beforeRegister': P.AuthBeforeRegisterPayload;
  'auth.afterRegister': P.AuthSessionPayload;
  'auth.beforePasswordReset': P.AuthPasswordResetPayload;
  'auth.afterPasswordReset': P.AuthPasswordResetPayload;

  'request.before': P.RequestBeforePayload;
  'request.after': P.RequestAfterPayload;

  'realtime.connect': P.RealtimeConnectionPayload;
  'realtime.disconnect': P.RealtimeConnectionPayload;
  'realtime.message': P.RealtimeMessagePayload;
  'realtime.subscribe': P.RealtimeSubscriptionPayload;
  'realtime.unsubscribe': P.RealtimeSubscriptionPayload;

  'mailer.beforeSend': P.MailerBeforeSendPayload;
  'mailer.afterSend': P.MailerAfterSendPayload;
}

/** One of the {@link AppEvents} names. */
export type AppEventName = keyof AppEvents;

/** The reference's grouping of events (spec §6.2, `HookCategory`). */
export type HookCategory =
  | 'app_lifecycle'
  | 'model_operations'
  | 'record_operations'
  | 'collection_operations'
  | 'auth_operations'
  | 'request_processing'
  | 'realtime'
  | 'mailer';

/** What the catalogue says about one event. */
export interface HookEventInfo {
  /** The Python SnackBase name (`on_record_before_create`), for docs and compatibility. */
  readonly reference: string;
  readonly category: HookCategory;
  /**
   * How the code that fires it dispatches it: `before` with `runBefore` (awaited, may change the
   * draft, an abort becomes a 4xx), `after` with `runAfter` (after the commit, errors logged).
   */
  readonly phase: 'before' | 'after';
}

const info = (reference: string, category: HookCategory, phase: 'before' | 'after'): HookEventInfo => ({ reference, category, phase });

/** The catalogue: every event with its reference name, category and phase. */
export const HOOK_EVENTS: { readonly [E in AppEventName]: HookEventInfo } = Object.freeze({
  'app.bootstrap': info('on_bootstrap', 'app_lifecycle', 'before'),
  'app.serve': info('on_serve', 'app_lifecycle', 'after'),
  'app.terminate': info('on_terminate', 'app_lifecycle', 'after'),

  'model.beforeCreate': info('on_model_before_create', 'model_operations', 'before'),
  'model.afterCreate': info('on_model_after_create', 'model_operations', 'after'),
  'model.beforeUpdate': info('on_model_before_update', 'model_operations', 'before'),
  'model.afterUpdate': info('on_model_after_update', 'model_operations', 'after'),
  'model.beforeDelete': info('on_model_before_delete', 'model_operations', 'before'),
  'model.afterDelete': info('on_model_after_delete', 'model_operations', 'after'),

  'record.beforeCreate': info('on_record_before_create', 'record_operations', 'before'),
  'record.afterCreate': info('on_record_after_create', 'record_operations', 'after'),
  'record.beforeUpdate': info('on_record_before_update', 'record_operations', 'before'),
  'record.afterUpdate': info('on_record_after_update', 'record_operations', 'after'),
  'record.beforeDelete': info('on_record_before_delete', 'record_operations', 'before'),
  'record.afterDelete': info('on_record_after_delete', 'record_operations', 'after'),
  'record.beforeQuery': info('on_record_before_query', 'record_operations', 'before'),
  'record.afterQuery': info('on_record_after_query', 'record_operations', 'after'),

  'collection.beforeCreate': info('on_collection_before_create', 'collection_operations', 'before'),
  'collection.afterCreate': info('on_collection_after_create', 'collection_operations', 'after'),
  'collection.beforeUpdate': info('on_collection_before_update', 'collection_operations', 'before'),
  'collection.afterUpdate': info('on_collection_after_update', 'collection_operations', 'after'),
  'collection.beforeDelete': info('on_collection_before_delete', 'collection_operations', 'before'),
  'collection.afterDelete': info('on_collection_after_delete', 'collection_operations', 'after'),

  'auth.beforeLogin': info('on_auth_before_login', 'auth_operations', 'before'),
  'auth.afterLogin': info('on_auth_after_login', 'auth_operations', 'after'),
  'auth.beforeLogout': info('on_auth_before_logout', 'auth_operations', 'before'),
  'auth.afterLogout': info('on_auth_after_logout', 'auth_operations', 'after'),
  'auth.beforeRegister': info('on_auth_before_register', 'auth_operations', 'before'),
  'auth.afterRegister': info('on_auth_after_register', 'auth_operations', 'after'),
  'auth.beforePasswordReset': info('on_auth_before_password_reset', 'auth_operations', 'before'),
  'auth.afterPasswordReset': info('on_auth_after_password_reset', 'auth_operations', 'after'),

  'request.before': info('on_before_request', 'request_processing', 'before'),
  'request.after': info('on_after_request', 'request_processing', 'after'),

  // Connecting, subscribing and sending can be refused; disconnecting and unsubscribing cannot.
  'realtime.connect': info('on_realtime_connect', 'realtime', 'before'),
  'realtime.disconnect': info('on_realtime_disconnect', 'realtime', 'after'),
  'realtime.message': info('on_realtime_message', 'realtime', 'before'),
  'realtime.subscribe': info('on_realtime_subscribe', 'realtime', 'before'),
  'realtime.unsubscribe': info('on_realtime_unsubscribe', 'realtime', 'after'),

  'mailer.beforeSend': info('on_mailer_before_send', 'mailer', 'before'),
  'mailer.afterSend': info('on_mailer_after_send', 'mailer', 'after'),
});

/** Every event name, in catalogue order. */
export const APP_EVENT_NAMES: readonly AppEventName[] = Object.freeze(Object.keys(HOOK_EVENTS) as AppEventName[]);

/** Our name → the reference's snake_case name (`'record.beforeCreate'` → `'on_record_before_create'`). */
export const REFERENCE_EVENT_NAMES: { readonly [E in AppEventName]: string } = Object.freeze(
  Object.fromEntries(APP_EVENT_NAMES.map((e) => [e, HOOK_EVENTS[e].reference])) as { [E in AppEventName]: string },
);

const byReference = new Map(APP_EVENT_NAMES.map((e) => [HOOK_EVENTS[e].reference, e]));

/**
 * Our name for a reference event name (`'on_auth_after_login'` → `'auth.afterLogin'`), or
 * `undefined` for an unknown one. For importing API-defined hooks written against the reference.
 */
export function appEventFromReference(reference: string): AppEventName | undefined {
  return byReference.get(reference);
}

/** True for one of the {@link AppEvents} names. */
export function isAppEventName(name: string): name is AppEventName {
  return Object.prototype.hasOwnProperty.call(HOOK_EVENTS, name);
}
