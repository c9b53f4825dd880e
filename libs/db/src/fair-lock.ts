/**
 * A first-come, first-served lock that hands itself straight to the next waiter.
 *
 * Kysely's SQLite driver guards its single connection with a mutex that, on release, wakes every
 * waiter to race for it again: with 50 requests queued, each query costs ~50 wake-ups, and the
 * releaser (a request about to run its next query) usually wins the race, so unlucky requests
 * starve. Under load that showed up as CPU spent in microtasks and p99 latencies many times the
 * median. Here each release wakes exactly one waiter, in arrival order.
 */
export class FairLock {
  #held = false;
  readonly #waiting: (() => void)[] = [];

  /** Resolves once the caller holds the lock. */
  acquire(): Promise<void> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Passes the lock to the longest waiter, or frees it. */
  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#held = false;
  }
}
