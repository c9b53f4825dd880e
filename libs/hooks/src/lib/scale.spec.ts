import { createHookRegistry } from './create-hook-registry';

interface Events {
  'tick.before': { n: number };
  'tick.after': { n: number };
}

// Sanity, not a benchmark: the bounds are generous so a slow CI machine never flakes.
describe('10,000 handlers', () => {
  it('registers, orders, dispatches and removes them quickly', async () => {
    const hooks = createHookRegistry<Events>({ onError: jest.fn() });
    const started = Date.now();
    const offs = [];
    const order: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      const priority = (i * 7919) % 100; // scattered priorities exercise the sorted insert
      offs.push(hooks.on('tick.before', (p) => {
        order.push(priority);
        return { n: p.n + 1 };
      }, { priority, tags: i % 2 ? ['odd'] : undefined }));
    }
    expect((await hooks.runBefore('tick.before', { n: 0 }, { tag: 'odd' })).n).toBe(10_000);
    expect(order.every((p, i) => i === 0 || order[i - 1] <= p)).toBe(true);
    expect((await hooks.runBefore('tick.before', { n: 0 })).n).toBe(5_000);
    for (const off of offs) off();
    expect(hooks.count('tick.before')).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('isolates 10,000 failing after-handlers', async () => {
    const onError = jest.fn();
    const hooks = createHookRegistry<Events>({ onError });
    for (let i = 0; i < 10_000; i++) {
      hooks.on('tick.after', () => {
        throw new Error(`h${i}`);
      });
    }
    const errors = await hooks.runAfter('tick.after', { n: 0 });
    expect(errors).toHaveLength(10_000);
    expect(onError).toHaveBeenCalledTimes(10_000);
  });
});
