import { API_HOOK_ACTION_TYPES, API_HOOK_EVENTS, type ApiHookAction, type ApiHookEvent, type ApiHookTrigger, type ErrorDetail } from '@snackbase/contract';
import { invalidRequest } from '../errors';
import { isReservedJobHandler } from '../jobs/reserved-handlers';
import { cronProblem } from './hook-cron';

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const unprocessable = (field: string, message: string) => invalidRequest([{ field, message, code: 'invalid' }], message);

/** The trigger of a create/update body, checked (422 with the reason otherwise). */
export function checkTrigger(raw: unknown): ApiHookTrigger {
  if (!isObject(raw)) throw unprocessable('body.trigger', 'trigger must be an object');
  switch (raw['type']) {
    case 'schedule': {
      const cron = raw['cron'];
      if (typeof cron !== 'string') throw unprocessable('body.trigger.cron', 'Invalid cron expression: cron is required');
      const problem = cronProblem(cron);
      if (problem) throw unprocessable('body.trigger.cron', `Invalid cron expression: ${problem}`);
      return { type: 'schedule', cron: cron.trim().split(/\s+/).join(' ') };
    }
    case 'event': {
      const event = raw['event'];
      if (!(API_HOOK_EVENTS as readonly unknown[]).includes(event)) throw unprocessable('body.trigger.event', `Unknown event '${String(event)}'. Valid: ${API_HOOK_EVENTS.join(', ')}`);
      const collection = raw['collection'];
      if (collection != null && !isText(collection)) throw unprocessable('body.trigger.collection', 'collection must be a non-empty string');
      return { type: 'event', event: event as ApiHookEvent, collection: collection ?? null };
    }
    case 'manual':
      return { type: 'manual' };
    default:
      throw unprocessable('body.trigger.type', `Unknown trigger type '${String(raw['type'])}'. Valid: schedule, event, manual`);
  }
}

/** Required text fields and object fields of each action type. */
const SHAPES: Readonly<Record<ApiHookAction['type'], { readonly text: readonly string[]; readonly objects: readonly string[] }>> = {
  send_webhook: { text: ['url'], objects: ['headers'] },
  enqueue_job: { text: ['handler'], objects: ['payload'] },
  send_email: { text: ['to'], objects: ['variables'] },
  create_record: { text: ['collection'], objects: ['data'] },
  update_record: { text: ['collection', 'record_id'], objects: ['data'] },
  delete_record: { text: ['collection', 'record_id'], objects: [] },
};

/** The actions list, checked: known types, required fields present (422 with every problem otherwise). */
export function checkActions(raw: unknown): ApiHookAction[] {
  if (!Array.isArray(raw)) throw unprocessable('body.actions', 'actions must be a list');
  const details: ErrorDetail[] = [];
  raw.forEach((action: unknown, i) => {
    const at = `body.actions.${i}`;
    if (!isObject(action)) return void details.push({ field: at, message: 'action must be an object', code: 'invalid' });
    const type = action['type'];
    if (!(API_HOOK_ACTION_TYPES as readonly unknown[]).includes(type)) {
      return void details.push({ field: `${at}.type`, message: `Unknown action type '${String(type)}'. Valid: ${API_HOOK_ACTION_TYPES.join(', ')}`, code: 'invalid' });
    }
    const shape = SHAPES[type as ApiHookAction['type']];
    for (const key of shape.text) if (!isText(action[key])) details.push({ field: `${at}.${key}`, message: `${key} is required`, code: 'required' });
    for (const key of shape.objects) if (action[key] != null && !isObject(action[key])) details.push({ field: `${at}.${key}`, message: `${key} must be an object`, code: 'invalid' });
    if (type === 'send_webhook' && action['method'] != null && !/^(GET|POST|PUT|PATCH|DELETE)$/i.test(String(action['method']))) {
      details.push({ field: `${at}.method`, message: 'method must be GET, POST, PUT, PATCH or DELETE', code: 'invalid' });
    }
    if (type === 'enqueue_job' && isText(action['handler']) && isReservedJobHandler(action['handler'])) {
      details.push({ field: `${at}.handler`, message: `handler '${action['handler']}' is reserved for the server's own jobs`, code: 'invalid' });
    }
    if (type === 'send_email' && !isText(action['template_id']) && !(isText(action['subject']) && typeof action['body'] === 'string')) {
      details.push({ field: at, message: 'send_email needs subject and body, or template_id', code: 'required' });
    }
  });
  if (details.length) throw invalidRequest(details, `Invalid action: ${details[0].message}`);
  return raw as ApiHookAction[];
}
