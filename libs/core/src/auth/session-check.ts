import { fromDbBool, type SnackDatabase } from '@snackbase/db';
import { accountScope, tenantTable } from '@snackbase/tenancy';

/** How long a positive answer may be reused by this process before asking the database again. */
const TTL_MS = 2000;

/**
 * Answers "is this login session still alive and its user still active?" for every
 * authenticated request. Answers are cached for {@link TTL_MS}; logout, refresh-token reuse and
 * deactivation in this process invalidate them at once.
 */
export interface SessionCheck {
  isAlive(accountId: string, userId: string, sessionId: string): Promise<boolean>;
  forgetSession(sessionId: string): void;
  forgetUser(userId: string): void;
}

export function createSessionCheck(db: SnackDatabase): SessionCheck {
  const cache = new Map<string, { userId: string; until: number }>();
  return {
    async isAlive(accountId, userId, sessionId) {
      const hit = cache.get(sessionId);
      if (hit && hit.userId === userId && hit.until > Date.now()) return true;
      const scope = accountScope(accountId);
      const [user, token] = await Promise.all([
        tenantTable(db.kysely, scope, 'users').select().select('is_active').where('id', '=', userId).executeTakeFirst(),
        tenantTable(db.kysely, scope, 'refresh_tokens')
          .select()
          .select('id')
          .where('family_id', '=', sessionId)
          .where('user_id', '=', userId)
          .where('is_revoked', '=', false)
          .where('expires_at', '>', new Date().toISOString())
          .limit(1)
          .executeTakeFirst(),
      ]);
      const alive = !!user && fromDbBool(user.is_active) && !!token;
      if (alive) {
        if (cache.size > 10_000) cache.clear();
        cache.set(sessionId, { userId, until: Date.now() + TTL_MS });
      } else {
        cache.delete(sessionId);
      }
      return alive;
    },
    forgetSession: (sessionId) => void cache.delete(sessionId),
    forgetUser(userId) {
      for (const [sid, entry] of cache) if (entry.userId === userId) cache.delete(sid);
    },
  };
}
