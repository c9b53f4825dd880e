import { createAccountRowsCache, type AccountRowsCache } from './account-rows-cache';
import { createCacheBus, type CacheBus } from './create-cache-bus';

const logger = { warn: () => undefined, error: () => undefined, info: () => undefined, debug: () => undefined } as never;

/**
 * A cache on a fake clock (starting at 0) whose loader answers `v<n>` for its n-th load and
 * holds the second load until `release()`: to watch a background reload while it is in flight.
 */
async function withHeldSecondLoad(test: (t: { cache: AccountRowsCache<string>; bus: CacheBus; loads: () => number; release: () => void }) => Promise<void>) {
  jest.useFakeTimers({ now: 0, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  const bus = createCacheBus({ logger });
  try {
    let loads = 0;
    let release: (() => void) | undefined;
    const cache = createAccountRowsCache(bus, 'webhooks', async () => {
      loads += 1;
      if (loads === 2) await new Promise<void>((r) => (release = r));
      return [`v${loads}`];
    });
    await test({ cache, bus, loads: () => loads, release: () => release?.() });
  } finally {
    await bus.close();
    jest.useRealTimers();
  }
}

describe('createAccountRowsCache', () => {
  it('loads an account once, and again after the bus names it or everyone', async () => {
    const bus = createCacheBus({ logger });
    const loads: string[] = [];
    const cache = createAccountRowsCache(bus, 'webhooks', async (account) => {
      loads.push(account);
      return [`${account}:${loads.length}`];
    });
    expect(await cache.of('a')).toEqual(['a:1']);
    expect(await cache.of('a')).toEqual(['a:1']);
    expect(await cache.of('b')).toEqual(['b:2']);
    bus.invalidate('webhooks', 'a');
    expect(await cache.of('a')).toEqual(['a:3']);
    expect(await cache.of('b')).toEqual(['b:2']);
    bus.invalidate('api-hooks', '*'); // another topic: nothing to forget here
    expect(await cache.of('b')).toEqual(['b:2']);
    bus.invalidate('webhooks', '*');
    expect(await cache.of('b')).toEqual(['b:4']);
    await bus.close();
  });

  it('does not remember a failed load', async () => {
    const bus = createCacheBus({ logger });
    let fail = true;
    const cache = createAccountRowsCache(bus, 'api-hooks', async () => {
      if (fail) throw new Error('database down');
      return ['row'];
    });
    await expect(cache.of('a')).rejects.toThrow('database down');
    fail = false;
    expect(await cache.of('a')).toEqual(['row']);
    await bus.close();
  });

  it('renews an entry in the background once half its TTL has passed, and blocks only once it expired', () =>
    withHeldSecondLoad(async ({ cache, loads, release }) => {
      expect(await cache.of('a')).toEqual(['v1']);
      jest.setSystemTime(500);
      expect(await cache.of('a')).toEqual(['v1']);
      expect(loads()).toBe(1); // young: no reload
      jest.setSystemTime(1500);
      // Past half the TTL: answered at once from the entry, one reload starts (not one per hit).
      expect(await cache.of('a')).toEqual(['v1']);
      expect(await cache.of('a')).toEqual(['v1']);
      expect(loads()).toBe(2);
      release();
      await new Promise((r) => setImmediate(r));
      expect(await cache.of('a')).toEqual(['v2']);
      expect(loads()).toBe(2);
      // Nobody asked for a whole TTL: the entry expired and the next caller waits for the load.
      jest.setSystemTime(10_000);
      expect(await cache.of('a')).toEqual(['v3']);
    }));

  it('drops a background reload that an invalidation overtook', () =>
    withHeldSecondLoad(async ({ cache, bus, release }) => {
      await cache.of('a');
      jest.setSystemTime(1500);
      await cache.of('a'); // starts reload #2, held
      bus.invalidate('webhooks', 'a');
      expect(await cache.of('a')).toEqual(['v3']); // after the change: loaded anew
      release();
      await new Promise((r) => setImmediate(r));
      expect(await cache.of('a')).toEqual(['v3']); // the overtaken reload did not replace it
    }));
});
