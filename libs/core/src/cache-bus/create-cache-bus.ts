import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../logging';
import { createRedisClient } from '../rate-limit';

/** What per-instance caches hold that another instance may have to drop. */
export type CacheTopic = 'session' | 'user' | 'api-key' | 'collection' | 'group-members' | 'macros' | 'webhooks' | 'api-hooks';

/**
 * Tells every instance to drop a cached answer (a revoked session, a deactivated user, a revoked
 * API key). This instance forgets at once; with Redis configured the others hear it over pub/sub
 * within milliseconds. Without Redis (one instance), or while Redis is down, the caches' own
 * short lifetime (2 s) bounds how long another instance can keep a stale answer.
 */
export interface CacheBus {
  invalidate(topic: CacheTopic, id: string): void;
  /** Registers what this instance does to forget `id` under `topic`. */
  on(topic: CacheTopic, forget: (id: string) => void): void;
  close(): Promise<void>;
}

const CHANNEL = 'snackbase:cache-invalidate';
const TOPICS: readonly CacheTopic[] = ['session', 'user', 'api-key', 'collection', 'group-members', 'macros', 'webhooks', 'api-hooks'];

interface Message {
  origin: string;
  topic: CacheTopic;
  id: string;
}

function parse(raw: string): Message | undefined {
  try {
    const m = JSON.parse(raw) as Message;
    return typeof m.origin === 'string' && TOPICS.includes(m.topic) && typeof m.id === 'string' ? m : undefined;
  } catch {
    return undefined;
  }
}

/** A cache bus over Redis pub/sub when `redisUrl` is given, in-process otherwise. */
export function createCacheBus(options: { redisUrl?: string; logger: Logger }): CacheBus {
  const { logger } = options;
  const origin = randomUUID();
  const handlers = new Map<CacheTopic, ((id: string) => void)[]>();
  const forget = (topic: CacheTopic, id: string) => {
    for (const h of handlers.get(topic) ?? []) h(id);
  };
  let publisher: Redis | undefined;
  let subscriber: Redis | undefined;
  if (options.redisUrl) {
    publisher = createRedisClient(options.redisUrl, logger);
    // A subscriber connection may queue its SUBSCRIBE until Redis is reachable; ioredis
    // re-subscribes by itself after a reconnect.
    subscriber = new Redis(options.redisUrl, { retryStrategy: (times) => Math.min(times * 200, 2000), maxRetriesPerRequest: null });
    subscriber.on('error', () => undefined);
    subscriber.subscribe(CHANNEL).catch((e: Error) => logger.warn('cache invalidation subscribe failed', { error: e.message }));
    subscriber.on('message', (_channel: string, raw: string) => {
      const m = parse(raw);
      if (m && m.origin !== origin) forget(m.topic, m.id);
    });
  }
  return {
    invalidate(topic, id) {
      forget(topic, id);
      publisher?.publish(CHANNEL, JSON.stringify({ origin, topic, id } satisfies Message)).catch((e: Error) => {
        logger.warn('cache invalidation not published; other instances catch up within 2 s', { topic, error: e.message });
      });
    },
    on(topic, handler) {
      handlers.set(topic, [...(handlers.get(topic) ?? []), handler]);
    },
    async close() {
      for (const client of [publisher, subscriber]) {
        if (!client || client.status === 'end') continue;
        // QUIT would wait in the offline queue forever while Redis is unreachable.
        if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
        else client.disconnect();
      }
    },
  };
}
