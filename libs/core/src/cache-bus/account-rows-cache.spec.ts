import { createAccountRowsCache } from './account-rows-cache';
import { createCacheBus } from './create-cache-bus';

const logger = { warn: () => undefined, error: () => undefined, info: () => undefined, debug: () => undefined } as never;

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
});
