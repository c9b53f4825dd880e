import type { WebhookEventKind } from '@snackbase/contract';

/** A row as events carry it: column name → value. */
export type EventRow = Readonly<Record<string, unknown>>;

/**
 * Something that happened in one account that webhooks may be told about. `collection` is the
 * record's collection; auth events (`login`, `register`) use the collection `users`.
 * `record` is the new row (for a delete: the deleted row), `previous` the old one (update) or null.
 */
export interface WebhookEvent {
  /** The tenant the event belongs to: the record's account, never the acting user's (§12.6 item 49). */
  readonly accountId: string;
  readonly collection: string;
  readonly kind: WebhookEventKind;
  readonly record: EventRow;
  readonly previous: EventRow | null;
}

/** The `event` name on the wire: `records.create`, `auth.login`, … */
export function wireEventName(kind: WebhookEventKind | 'test'): string {
  if (kind === 'test') return 'test';
  return kind === 'login' || kind === 'register' ? `auth.${kind}` : `records.${kind}`;
}

/** The webhook's owner, whose read access bounds what its payloads may contain. */
export interface WebhookOwner {
  readonly userId: string;
  readonly accountId: string;
  readonly email: string;
  readonly role: string;
  readonly isSuperadmin: boolean;
}

/**
 * Returns `row` of `collection` as `owner` may see it (view rule, hidden fields, PII masks), or
 * null when the owner may not see it at all (then nothing is delivered). The records module
 * provides the real one; see {@link defaultWebhookViewer}.
 */
export type WebhookViewer = (owner: WebhookOwner, collection: string, row: EventRow) => Promise<EventRow | null> | EventRow | null;

/**
 * Until the records module supplies a viewer, fail closed: record rows are visible to nobody
 * (record webhooks deliver nothing), and auth events (collection `users`) only to the account's
 * admins and superadmins, reduced to `id`, `email`, `role`.
 */
export const defaultWebhookViewer: WebhookViewer = (owner, collection, row) => {
  if (collection !== 'users' || !(owner.isSuperadmin || owner.role === 'admin')) return null;
  return { id: row['id'], email: row['email'], role: row['role'] };
};
