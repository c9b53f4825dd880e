import { createLogger } from '../logging';
import { createCacheBus } from './create-cache-bus';

const logger = createLogger({ level: 'error', format: 'json', silent: true });
const REDIS = process.env['SNACKBASE_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('createCacheBus', () => {
  it('forgets at once in-process without Redis', async () => {
    const bus = createCacheBus({ logger });
    const seen: string[] = [];
    bus.on('session', (id) => seen.push(id));
    bus.invalidate('session', 's1');
    bus.invalidate('user', 'u1');
    expect(seen).toEqual(['s1']);
    await bus.close();
  });

  it('reaches every instance over Redis pub/sub, once each', async () => {
    const one = createCacheBus({ redisUrl: REDIS, logger });
    const two = createCacheBus({ redisUrl: REDIS, logger });
    const heard = { one: [] as string[], two: [] as string[] };
    one.on('api-key', (id) => heard.one.push(id));
    two.on('api-key', (id) => heard.two.push(id));
    // Let both subscribers register with Redis before publishing.
    await new Promise((r) => setTimeout(r, 300));
    one.invalidate('api-key', 'k1');
    await until(() => heard.two.length === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(heard).toEqual({ one: ['k1'], two: ['k1'] });
    await Promise.all([one.close(), two.close()]);
  });

  it('keeps working locally when Redis cannot be reached', async () => {
    const bus = createCacheBus({ redisUrl: 'redis://127.0.0.1:1', logger });
    const seen: string[] = [];
    bus.on('user', (id) => seen.push(id));
    bus.invalidate('user', 'u9');
    expect(seen).toEqual(['u9']);
    await bus.close();
  });
});
