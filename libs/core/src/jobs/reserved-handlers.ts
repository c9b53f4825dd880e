import type { Job } from './job';

/**
 * Job handlers the server registers for its own work. Their payloads name rows by id (a hook, a
 * webhook delivery) and are trusted as the server wrote them, so no one else may enqueue them:
 * an API hook's `enqueue_job` naming one could run another account's hook or re-send its
 * webhook deliveries, or re-run itself without the nesting limit.
 */
export const SCHEDULED_HOOK_JOB = 'scheduled_hook';
/** The job that runs a webhook delivery's next attempt (payload: delivery and account ids). */
export const WEBHOOK_RETRY_JOB = 'webhooks.deliver';

const RESERVED = new Set([SCHEDULED_HOOK_JOB, WEBHOOK_RETRY_JOB]);

/**
 * For the handlers of reserved jobs: the server enqueues them stamped with the account their
 * payload names, so a job of another account (however it got into the queue) is refused before
 * the payload is trusted.
 */
export function assertJobOfPayloadAccount(job: Pick<Job, 'account_id' | 'handler'>, payloadAccountId: string): void {
  if (job.account_id !== payloadAccountId) throw new Error(`${job.handler} job of another account than its payload names`);
}

/** True for a handler name only the server itself may enqueue (compared as given and trimmed). */
export function isReservedJobHandler(name: string): boolean {
  return RESERVED.has(name.trim());
}
