import { FairLock } from './fair-lock';

describe('FairLock', () => {
  it('grants the lock in arrival order, one holder at a time', async () => {
    const lock = new FairLock();
    const order: number[] = [];
    let holders = 0;
    let most = 0;
    await Promise.all(
      [0, 1, 2, 3, 4].map(async (n) => {
        await lock.acquire();
        holders++;
        most = Math.max(most, holders);
        await new Promise((r) => setTimeout(r, 2));
        order.push(n);
        holders--;
        lock.release();
      }),
    );
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(1);
  });

  it('does not let a releaser that asks again jump the queue', async () => {
    const lock = new FairLock();
    const order: string[] = [];
    await lock.acquire();
    const waiter = lock.acquire().then(() => {
      order.push('waiter');
      lock.release();
    });
    lock.release();
    // The previous holder asks again at once (as a request running its next query would).
    const again = lock.acquire().then(() => {
      order.push('releaser');
      lock.release();
    });
    await Promise.all([waiter, again]);
    expect(order).toEqual(['waiter', 'releaser']);
  });
});
