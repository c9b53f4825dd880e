import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { hashToken } from '@snackbase/auth';
import type { ApiKeyCreatedResponse, ApiKeyDetailResponse, ApiKeyListResponse } from '@snackbase/contract';
import { fromDbBool, nowIso, type GlobalDatabase, type SnackDatabase } from '@snackbase/db';
import { accountScope, tenantTable } from '@snackbase/tenancy';
import type { AuditRecorder } from '../audit';
import type { Principal } from '../auth';
import type { RequestContext } from '../context';
import { badRequest, forbidden, invalidRequest, notFound, validationFailed } from '../errors';
import type { Logger } from '../logging';
import type { CacheBus } from '../cache-bus';
import { createApiKeyCheck, type ApiKeyPrincipal } from './api-key-check';
import { generateApiKey, maskKeyHash } from './api-key-format';

/** `POST /admin/api-keys` body (spec §2.7). */
export interface CreateApiKeyInput {
  readonly name: string;
  /** ISO-8601 date-time (UTC when it names no zone); absent or null = never expires. */
  readonly expires_at?: string | null;
}

/**
 * The superadmin API-keys API (spec §2.7) and the check that turns a presented key into its
 * owner. Every call acts on the caller's own keys only. A request authenticated by a key may
 * list and read keys but not create or revoke them (403, "restricted"), so a leaked key cannot
 * mint successors or revoke the keys that would replace it.
 */
export interface ApiKeys {
  list(ctx: RequestContext): Promise<ApiKeyListResponse>;
  get(ctx: RequestContext, id: string): Promise<ApiKeyDetailResponse>;
  /** The plaintext key is in this answer and nowhere else; only its SHA-256 is stored. */
  create(ctx: RequestContext, input: CreateApiKeyInput): Promise<ApiKeyCreatedResponse>;
  /** Deactivates the key; the next request carrying it is refused, in this process at once. */
  revoke(ctx: RequestContext, id: string): Promise<void>;
  /** See {@link ApiKeyCheck.authenticate}. */
  authenticate(key: string): Promise<ApiKeyPrincipal | null>;
  /** Drops cached answers for a user's keys (deactivation, password change). */
  forgetUser(userId: string): void;
}

type Caller = Extract<Principal, { kind: 'user' }>;

/** Only superadmins hold keys; the routes check too, this keeps the core safe on its own. */
function ownerOf(ctx: RequestContext): Caller {
  const p = ctx.principal;
  if (p.kind !== 'user' || !p.isSuperadmin) throw forbidden('API keys are restricted to superadmin users');
  return p;
}

function managerOf(ctx: RequestContext): Caller {
  const p = ownerOf(ctx);
  if (p.via === 'api_key') throw forbidden('API keys cannot manage API keys (restricted)');
  return p;
}

/** The expiry as stored, or null; an unreadable value is a 422, a past one a 400. */
export function parseExpiry(value: string | null | undefined, now = Date.now()): string | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  const zoned = /(?:z|[+-]\d{2}:?\d{2})$/i.test(text) || !text.includes('T') ? text : `${text}Z`;
  const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(zoned) : Number.NaN;
  if (Number.isNaN(ms)) throw invalidRequest([{ field: 'expires_at', message: 'Input should be a valid datetime', code: 'invalid_datetime' }]);
  if (ms <= now) throw validationFailed([{ field: 'expires_at', message: 'Expiration must be in the future', code: 'expired' }], 'Expiration must be in the future');
  return new Date(ms).toISOString();
}

/**
 * Creating and revoking are audited (table `api_keys`, `key_hash` redacted; the plaintext key is
 * never passed to the log) with `ctx`'s principal as the actor.
 * @example const apiKeys = createApiKeys({ db, logger, maxPerUser: 10, audit });
 */
export function createApiKeys(deps: { db: SnackDatabase; logger: Logger; maxPerUser: number; audit: AuditRecorder; bus: CacheBus }): ApiKeys {
  const { db, audit } = deps;
  const check = createApiKeyCheck({ db, logger: deps.logger });
  // Through the bus, so a revoked key or a deactivated owner stops working on every instance.
  deps.bus.on('api-key', (id) => check.forgetKey(id));
  deps.bus.on('user', (id) => check.forgetUser(id));
  const keysOf = (owner: Caller, on: Kysely<GlobalDatabase> = db.kysely) => tenantTable(on, accountScope(owner.accountId), 'api_keys');
  const COLUMNS = ['id', 'name', 'key_hash', 'last_used_at', 'expires_at', 'is_active', 'created_at', 'updated_at'] as const;

  function toDetail(r: { id: string; name: string; key_hash: string; last_used_at: string | null; expires_at: string | null; is_active: unknown; created_at: string; updated_at: string }): ApiKeyDetailResponse {
    return { id: r.id, name: r.name, key: maskKeyHash(r.key_hash), last_used_at: r.last_used_at, expires_at: r.expires_at, is_active: fromDbBool(r.is_active), created_at: r.created_at, updated_at: r.updated_at };
  }

  async function liveKeyCount(owner: Caller): Promise<number> {
    const row = await keysOf(owner)
      .select()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', owner.userId)
      .where('is_active', '=', true)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', nowIso())]))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  return {
    async list(ctx) {
      const owner = ownerOf(ctx);
      const rows = await keysOf(owner).select().select([...COLUMNS]).where('user_id', '=', owner.userId).orderBy('created_at', 'desc').orderBy('id').execute();
      const items = rows.map((r) => {
        const { updated_at: _updated, ...item } = toDetail(r); // eslint-disable-line @typescript-eslint/no-unused-vars
        return item;
      });
      return { items, total: items.length };
    },
    async get(ctx, id) {
      const owner = ownerOf(ctx);
      const row = await keysOf(owner).select().select([...COLUMNS]).where('id', '=', id).where('user_id', '=', owner.userId).executeTakeFirst();
      if (!row) throw notFound('API key not found');
      return toDetail(row);
    },
    async create(ctx, input) {
      const owner = managerOf(ctx);
      const name = input.name.trim();
      if (name.length < 3) throw validationFailed([{ field: 'name', message: 'Name must be 3 to 100 characters', code: 'too_short' }]);
      const expiresAt = parseExpiry(input.expires_at);
      if ((await liveKeyCount(owner)) >= deps.maxPerUser) throw badRequest(`Maximum number of API keys reached (${deps.maxPerUser})`);
      const key = generateApiKey();
      const id = randomUUID();
      const now = nowIso();
      const row = { id, user_id: owner.userId, name, key_hash: hashToken(key), scopes: null, expires_at: expiresAt, is_active: true, last_used_at: null, created_at: now, updated_at: now };
      await db.transaction(async (trx) => {
        await keysOf(owner, trx).insert(row).execute();
        await audit.record(trx, ctx, { operation: 'CREATE', table: 'api_keys', recordId: id, accountId: owner.accountId, after: { ...row, account_id: owner.accountId } });
      });
      return { id, name, key, expires_at: expiresAt, created_at: now };
    },
    async revoke(ctx, id) {
      const owner = managerOf(ctx);
      await db.transaction(async (trx) => {
        const row = await keysOf(owner, trx).select().select(['id', 'is_active', 'updated_at']).where('id', '=', id).where('user_id', '=', owner.userId).executeTakeFirst();
        if (!row) throw notFound('API key not found');
        if (!fromDbBool(row.is_active)) return; // revoking twice changes nothing and logs nothing
        const after = { is_active: false, updated_at: nowIso() };
        await keysOf(owner, trx).update(after).where('id', '=', id).execute();
        const before = { is_active: true, updated_at: row.updated_at };
        await audit.record(trx, ctx, { operation: 'UPDATE', table: 'api_keys', recordId: id, accountId: owner.accountId, before, after });
      });
      deps.bus.invalidate('api-key', id);
    },
    authenticate: (key) => check.authenticate(key),
    forgetUser: (userId) => deps.bus.invalidate('user', userId),
  };
}
