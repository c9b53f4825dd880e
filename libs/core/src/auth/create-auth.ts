import { createTokenSigner, hashToken, TokenError } from '@snackbase/auth';
import type { SnackDatabase } from '@snackbase/db';
import { accountScope, tenantTable } from '@snackbase/tenancy';
import type { AuditRecorder } from '../audit';
import type { Config, Secrets } from '../config';
import type { RequestContext } from '../context';
import { authenticateBearer } from './authenticate';
import { revokeSession, type IssuedTokens } from './issue-session';
import { findAccount, login, type LoginInput, type LoginResult } from './login';
import type { Principal } from './principal';
import { refresh } from './refresh';
import type { CacheBus } from '../cache-bus';
import { createSessionCheck } from './session-check';

/** Sign-in, token rotation, sign-out and credential checks. */
export interface Auth {
  /** A successful login is audited (`users.last_login`) with `ctx`'s principal; a failed one is not. */
  login(ctx: RequestContext, input: LoginInput): Promise<LoginResult>;
  refresh(refreshToken: string): Promise<IssuedTokens>;
  /** Ends the caller's (`ctx.principal`) session, or the one `refreshToken` belongs to; its tokens stop working at once. */
  logout(ctx: RequestContext, refreshToken?: string): Promise<void>;
  /** See {@link authenticateBearer}. */
  authenticate(bearerToken: string | undefined): Promise<Principal | null>;
  /** The id of the account a code or slug names, if any. */
  resolveAccount(identifier: string): Promise<string | undefined>;
  /** Drops cached "session alive" answers of a user whose sessions were just revoked. */
  forgetUser(userId: string): void;
}

export function createAuth(deps: { db: SnackDatabase; config: Config; secrets: Secrets; audit: AuditRecorder; bus: CacheBus }): Auth {
  const { db } = deps;
  const signer = createTokenSigner({ secret: deps.secrets.secretKey, accessMinutes: deps.config.tokens.accessMinutes, refreshDays: deps.config.tokens.refreshDays });
  const local = createSessionCheck(db);
  // Revocations go through the bus, so every instance drops its cached answer, not just this one.
  deps.bus.on('session', (id) => local.forgetSession(id));
  deps.bus.on('user', (id) => local.forgetUser(id));
  const sessions = {
    isAlive: local.isAlive,
    forgetSession: (id: string) => deps.bus.invalidate('session', id),
    forgetUser: (id: string) => deps.bus.invalidate('user', id),
  };

  async function sessionOfRefreshToken(token: string): Promise<{ accountId: string; sessionId: string } | undefined> {
    try {
      const c = signer.verifyRefresh(token);
      const row = await tenantTable(db.kysely, accountScope(c.account_id), 'refresh_tokens').select().select('family_id').where('token_hash', '=', hashToken(token)).executeTakeFirst();
      return row ? { accountId: c.account_id, sessionId: row.family_id } : undefined;
    } catch (e) {
      if (e instanceof TokenError) return undefined;
      throw e;
    }
  }

  return {
    login: (ctx, input) => login(ctx, { db, signer, audit: deps.audit }, input, deps.config.singleTenant?.slug),
    refresh: (token) => refresh(db, signer, sessions, token),
    async logout({ principal }, refreshToken) {
      const target = refreshToken ? await sessionOfRefreshToken(refreshToken) : undefined;
      const session = target ?? (principal.kind === 'user' && principal.via !== 'api_key' ? { accountId: principal.accountId, sessionId: principal.sessionId } : undefined);
      if (!session) return;
      await db.transaction((trx) => revokeSession(trx, session.accountId, session.sessionId));
      sessions.forgetSession(session.sessionId);
    },
    authenticate: (token) => authenticateBearer(signer, sessions, token),
    forgetUser: (userId) => sessions.forgetUser(userId),
    resolveAccount: async (identifier) => (await findAccount(db, identifier.trim()))?.id,
  };
}
