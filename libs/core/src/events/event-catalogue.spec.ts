import { APP_EVENT_NAMES, appEventFromReference, HOOK_EVENTS, isAppEventName, REFERENCE_EVENT_NAMES, type AppEventName } from './event-catalogue';

// Spec §6.2, copied name by name: the reference's stable API.
const SPEC_6_2: Record<string, readonly string[]> = {
  app_lifecycle: ['on_bootstrap', 'on_serve', 'on_terminate'],
  model_operations: ['on_model_before_create', 'on_model_before_update', 'on_model_before_delete', 'on_model_after_create', 'on_model_after_update', 'on_model_after_delete'],
  record_operations: [
    'on_record_before_create',
    'on_record_before_update',
    'on_record_before_delete',
    'on_record_before_query',
    'on_record_after_query',
    'on_record_after_create',
    'on_record_after_update',
    'on_record_after_delete',
  ],
  collection_operations: [
    'on_collection_before_create',
    'on_collection_after_create',
    'on_collection_before_update',
    'on_collection_after_update',
    'on_collection_before_delete',
    'on_collection_after_delete',
  ],
  auth_operations: [
    'on_auth_before_login',
    'on_auth_after_login',
    'on_auth_before_logout',
    'on_auth_after_logout',
    'on_auth_before_register',
    'on_auth_after_register',
    'on_auth_before_password_reset',
    'on_auth_after_password_reset',
  ],
  request_processing: ['on_before_request', 'on_after_request'],
  realtime: ['on_realtime_connect', 'on_realtime_disconnect', 'on_realtime_message', 'on_realtime_subscribe', 'on_realtime_unsubscribe'],
  mailer: ['on_mailer_before_send', 'on_mailer_after_send'],
};
const ALL_SPEC = Object.values(SPEC_6_2).flat();

describe('event catalogue', () => {
  it('has exactly the 40 events of spec §6.2, each once', () => {
    expect(ALL_SPEC).toHaveLength(40);
    expect(APP_EVENT_NAMES).toHaveLength(40);
    expect(Object.values(REFERENCE_EVENT_NAMES).sort()).toEqual([...ALL_SPEC].sort());
  });

  it.each(Object.entries(SPEC_6_2).flatMap(([category, names]) => names.map((n) => [n, category])))('%s is in category %s', (reference, category) => {
    const event = appEventFromReference(reference);
    expect(event).toBeDefined();
    expect(HOOK_EVENTS[event as AppEventName]).toMatchObject({ reference, category });
  });

  it.each(APP_EVENT_NAMES.map((e) => [e]))('%s: TypeScript-style name, phase consistent with the reference name', (event) => {
    expect(event).toMatch(/^[a-z]+\.[a-z][A-Za-z]*$/);
    const { reference, phase } = HOOK_EVENTS[event];
    if (reference.includes('_before_')) expect(phase).toBe('before');
    if (reference.includes('_after_')) expect(phase).toBe('after');
  });

  it.each([
    ['record.beforeCreate', 'on_record_before_create'],
    ['record.afterQuery', 'on_record_after_query'],
    ['auth.afterLogin', 'on_auth_after_login'],
    ['auth.beforePasswordReset', 'on_auth_before_password_reset'],
    ['request.before', 'on_before_request'],
    ['app.bootstrap', 'on_bootstrap'],
    ['mailer.afterSend', 'on_mailer_after_send'],
  ] as const)('maps %s ↔ %s', (event, reference) => {
    expect(REFERENCE_EVENT_NAMES[event]).toBe(reference);
    expect(appEventFromReference(reference)).toBe(event);
  });

  it('answers unknown names with undefined / false', () => {
    expect(appEventFromReference('on_record_before_list')).toBeUndefined();
    expect(isAppEventName('record.beforeCreate')).toBe(true);
    expect(isAppEventName('record.beforeList')).toBe(false);
    expect(isAppEventName('toString')).toBe(false);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(HOOK_EVENTS)).toBe(true);
    expect(Object.isFrozen(REFERENCE_EVENT_NAMES)).toBe(true);
    expect(Object.isFrozen(APP_EVENT_NAMES)).toBe(true);
  });
});
