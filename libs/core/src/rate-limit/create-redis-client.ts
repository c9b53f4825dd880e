import { Redis } from 'ioredis';
import type { Logger } from '../logging';

/** How long a connection attempt may take, and how long a command may wait for its answer. */
export const REDIS_CONNECT_TIMEOUT_MS = 2000;
const REDIS_COMMAND_TIMEOUT_MS = 1000;

/**
 * An ioredis client that fails fast instead of queueing: no offline queue, one retry per
 * command, a short connect and command timeout. It reconnects by itself (every ≤ 2 s) and logs
 * one line when Redis goes away and one when it is back, not one per failed command.
 */
export function createRedisClient(url: string, logger: Logger): Redis {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    // ioredis arms this timer even for a socket that is already closed; keep shutdown short.
    disconnectTimeout: 500,
  });
  let down = false;
  client.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger.error('redis unavailable', { error: error.message });
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info('redis reconnected');
  });
  return client;
}
