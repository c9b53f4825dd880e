import type { Principal } from '../auth';
import type { RequestContext } from '../context';

/** A record or system-table row as hooks see it: column name → value. */
export type RowData = Record<string, unknown>;

/**
 * What every payload carries: the context the event happened in (ARCHITECTURE principle 4).
 * Start-up and shutdown events get a system context; login and registration an anonymous one.
 * A before-handler that returns a new payload cannot change it: callers read only the draft
 * field of a before event (`data`, `values`, `query`, `definition`, `message`, `email`).
 */
export interface EventContext {
  readonly ctx: RequestContext;
}

// ── app lifecycle ────────────────────────────────────────────────────────────────────────────

/** `app.serve`: the server listens. */
export interface AppServePayload extends EventContext {
  /** e.g. `http://0.0.0.0:8000`. */
  readonly address: string;
}

/** `app.terminate`: the server is shutting down. */
export interface AppTerminatePayload extends EventContext {
  /** The signal that asked for it (`SIGTERM`), if any. */
  readonly signal?: string;
}

// ── model operations (system tables) ──────────────────────────────────────────────────────────
//
// Fired for every audited write to a system table (`users`, `groups`, `api_keys`,
// `email_templates`, …; never for collection tables, which have `record.*`, nor for the tables
// the audit log skips), by `audit.record` — even when audit logging is off. Dispatches are tagged
// with the table, so `hooks.on('model.beforeCreate', h, { tags: ['groups'] })` sees only groups.
// Rows are the writer's view of the row with secret columns (`password_hash`, `*_token`, …) as
// `[redacted]`; every row and draft is a frozen copy.
//
// `model.before*` run inside the write's transaction, after the row was written and before it
// commits: a handler may inspect and abort (throw `HookAbortError`: the transaction rolls back
// and the client gets the abort's 4xx) but not change the row — system rows are validated by
// their own module, so a returned or mutated draft is ignored. A before-handler must not use the
// database outside that transaction (on SQLite there is one connection: it would wait forever).
// `model.after*` run after the commit; their errors are logged and never change the response.

/** `model.beforeCreate`: `values` is the new row (read-only: see above). */
export interface ModelBeforeCreatePayload extends EventContext {
  readonly table: string;
  readonly id: string;
  readonly values: Readonly<RowData>;
}

/** `model.beforeUpdate`: `changes` are the written columns (read-only); `previous` the row before. */
export interface ModelBeforeUpdatePayload extends EventContext {
  readonly table: string;
  readonly id: string;
  readonly changes: Readonly<RowData>;
  readonly previous: Readonly<RowData>;
}

/** `model.afterCreate`, `model.beforeDelete`, `model.afterDelete`: one row (after create, before delete). */
export interface ModelPayload extends EventContext {
  readonly table: string;
  readonly id: string;
  readonly model: Readonly<RowData>;
}

/** `model.afterUpdate`: `model` is `previous` with the written columns applied. */
export interface ModelAfterUpdatePayload extends ModelPayload {
  readonly previous: Readonly<RowData>;
}

// ── record operations (collection tables; tagged by `collection`) ──────────────────────────────

/** `record.beforeCreate`: `data` is the validated draft, before SQL. */
export interface RecordBeforeCreatePayload extends EventContext {
  readonly collection: string;
  data: RowData;
}

/** `record.beforeUpdate`: `data` holds the changed fields (the draft); `existing` the stored record. */
export interface RecordBeforeUpdatePayload extends EventContext {
  readonly collection: string;
  readonly id: string;
  data: RowData;
  readonly existing: Readonly<RowData>;
}

/** `record.afterCreate`, `record.beforeDelete`, `record.afterDelete`: one record. */
export interface RecordPayload extends EventContext {
  readonly collection: string;
  readonly record: Readonly<RowData>;
}

/** `record.afterUpdate`: reference fields `data` → `changes`, `old_values` → `previous`. */
export interface RecordAfterUpdatePayload extends RecordPayload {
  readonly changes: Readonly<RowData>;
  readonly previous: Readonly<RowData>;
}

/** The parameters of a record list (spec §4.3), as a before-query hook may rewrite them. */
export interface RecordQuery {
  filter?: string;
  sort?: string;
  fields?: string[];
  expand?: string[];
  limit?: number;
  skip?: number;
  cursor?: string;
}

/** `record.beforeQuery`: `query` is the draft. */
export interface RecordBeforeQueryPayload extends EventContext {
  readonly collection: string;
  query: RecordQuery;
}

/** `record.afterQuery`: the page the caller is about to receive. */
export interface RecordAfterQueryPayload extends EventContext {
  readonly collection: string;
  readonly query: Readonly<RecordQuery>;
  readonly records: readonly Readonly<RowData>[];
  readonly total?: number;
}

// ── collection operations (schema; tagged by `collection`) ─────────────────────────────────────

/** Collection events: `definition` is the schema JSON of spec §3.2 (the draft in before-create/update). */
export interface CollectionPayload extends EventContext {
  readonly collection: string;
  definition: RowData;
}

/** `collection.beforeUpdate`, `collection.afterUpdate`: also the definition before the change. */
export interface CollectionUpdatePayload extends CollectionPayload {
  readonly previous: Readonly<RowData>;
}

// ── auth operations ────────────────────────────────────────────────────────────────────────────

/** A user as auth events describe them (never the password hash or tokens). */
export interface AuthUser {
  readonly id: string;
  readonly email: string;
  readonly role: string;
}

/** An account as auth events describe it. */
export interface AuthAccount {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
}

/** `auth.beforeLogin`: the identifiers are the draft. The password is deliberately absent. */
export interface AuthBeforeLoginPayload extends EventContext {
  account: string | undefined;
  email: string;
}

/** `auth.afterLogin`, `auth.afterRegister`: who signed in (or up), in which account. */
export interface AuthSessionPayload extends EventContext {
  readonly user: AuthUser;
  readonly account: AuthAccount;
}

/** `auth.beforeLogout`, `auth.afterLogout`: the principal whose session ends. */
export interface AuthLogoutPayload extends EventContext {
  readonly principal: Principal;
}

/** `auth.beforeRegister`: the registration body (spec §2.2) without the password, as the draft. */
export interface AuthBeforeRegisterPayload extends EventContext {
  email: string;
  accountName: string | undefined;
  accountSlug: string | undefined;
}

/** `auth.beforePasswordReset`, `auth.afterPasswordReset`: a reset token was accepted for this user. */
export interface AuthPasswordResetPayload extends EventContext {
  readonly accountId: string;
  readonly userId: string;
  readonly email: string;
}

// ── request processing ─────────────────────────────────────────────────────────────────────────

/** `request.before`: an incoming request, after authentication. */
export interface RequestBeforePayload extends EventContext {
  readonly method: string;
  readonly path: string;
}

/** `request.after`: the response was sent. */
export interface RequestAfterPayload extends RequestBeforePayload {
  readonly status: number;
  readonly durationMs: number;
}

// ── realtime (subscribe/unsubscribe tagged by `collection`) ────────────────────────────────────

/** How a realtime client is connected. */
export type RealtimeTransport = 'websocket' | 'sse' | 'socketio';

/** `realtime.connect`, `realtime.disconnect`. */
export interface RealtimeConnectionPayload extends EventContext {
  readonly connectionId: string;
  readonly transport: RealtimeTransport;
}

/** `realtime.message`: a client frame (spec §8.2), as the draft. */
export interface RealtimeMessagePayload extends RealtimeConnectionPayload {
  message: unknown;
}

/** `realtime.subscribe`, `realtime.unsubscribe`. */
export interface RealtimeSubscriptionPayload extends RealtimeConnectionPayload {
  readonly collection: string;
  operations: ('create' | 'update' | 'delete')[];
}

// ── mailer ─────────────────────────────────────────────────────────────────────────────────────

/**
 * A mail about to be (or just) sent. The same shape as the mail module's `MailMessage`, declared
 * here so the mail module can fire these events without the two modules importing each other.
 */
export interface MailerMessage {
  readonly to: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly from?: string;
  readonly replyTo?: string;
}

/** `mailer.beforeSend`: `message` is the draft (return `{ ...p, message: { ...p.message, subject } }`). */
export interface MailerBeforeSendPayload extends EventContext {
  message: MailerMessage;
  /** The template it was rendered from (`password_reset`, `email_verification`, ...), if any. */
  readonly template?: string;
}

/** `mailer.afterSend`: the provider accepted the message. */
export interface MailerAfterSendPayload extends EventContext {
  readonly message: MailerMessage;
  readonly template?: string;
  readonly messageId: string;
}
