/**
 * Job handlers the server registers for its own work. Their payloads name rows by id (a hook, a
 * webhook delivery) and are trusted as the server wrote them, so no one else may enqueue them:
 * an API hook's `enqueue_job` naming one could run another account's hook or re-send its
 * webhook deliveries, or re-run itself without the nesting limit.
 */
export const SCHEDULED_HOOK_JOB = 'scheduled_hook';
export const WEBHOOK_RETRY_JOB = 'webhooks.deliver';

const RESERVED = new Set([SCHEDULED_HOOK_JOB, WEBHOOK_RETRY_JOB]);

/** True for a handler name only the server itself may enqueue (compared as given and trimmed). */
export function isReservedJobHandler(name: string): boolean {
  return RESERVED.has(name.trim());
}
