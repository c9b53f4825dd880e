import { fromDbBool, type SnackDatabase } from '@snackbase/db';
import { accountScope, tenantTable } from '@snackbase/tenancy';
import { dueForRefresh } from '../cache-bus/refresh-ahead';

/** How long a positive answer may be reused by this process before asking the database again. */
const TTL_MS = 2000;

/**
 * Answers "is this login session still alive and its user still active?" for every
 * authenticated request. Answers are cached for {@link TTL_MS} (renewed ahead of expiry under
 * traffic, see `dueForRefresh`); logout, refresh-token reuse and deactivation in this process
 * invalidate them at once.
 */
export interface SessionCheck {
  isAlive(accountId: string, userId: string, sessionId: string): Promise<boolean>;
  forgetSession(sessionId: string): void;
  forgetUser(userId: string): void;
}

export function createSessionCheck(db: SnackDatabase): SessionCheck {
  const cache = new Map<string, { userId: string; until: number; refreshing?: boolean }>();
  // Bumped by every forget: a check that started before it must not cache its (older) answer.
  let generation = 0;

  async function check(accountId: string, userId: string, sessionId: string): Promise<boolean> {
    const started = generation;
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
    if (started !== generation) return alive;
    if (alive) {
      if (cache.size > 10_000) cache.clear();
      cache.set(sessionId, { userId, until: Date.now() + TTL_MS });
    } else {
      cache.delete(sessionId);
    }
    return alive;
  }

  return {
    async isAlive(accountId, userId, sessionId) {
      const hit = cache.get(sessionId);
      const now = Date.now();
      if (hit && hit.userId === userId && hit.until > now) {
        if (!hit.refreshing && dueForRefresh(hit.until, TTL_MS, now)) {
          hit.refreshing = true;
          // A failed refresh leaves the entry to expire; the next check after that asks again.
          check(accountId, userId, sessionId).catch(() => undefined);
        }
        return true;
      }
      return check(accountId, userId, sessionId);
    },
    forgetSession(sessionId) {
      generation += 1;
      cache.delete(sessionId);
    },
    forgetUser(userId) {
      generation += 1;
      for (const [sid, entry] of cache) if (entry.userId === userId) cache.delete(sid);
    },
  };
}
