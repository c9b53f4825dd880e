import type { HookDescriptor, HookHandler } from './hook-types';

/** One registered handler. `active` turns false the moment it is removed, even mid-dispatch. */
export interface HandlerEntry {
  readonly id: string;
  readonly handler: HookHandler<unknown>;
  readonly priority: number;
  /** Registration order; kept by a replacement so it does not jump behind its equals. */
  readonly seq: number;
  readonly tags: ReadonlySet<string> | undefined;
  readonly locked: boolean;
  readonly once: boolean;
  active: boolean;
}

/** The handlers of one event, sorted by (priority, seq), with an id index. */
export interface HandlerList {
  readonly size: number;
  get(id: string): HandlerEntry | undefined;
  insert(entry: HandlerEntry): void;
  /** Removes exactly this entry (not a later one with the same id); false if it was not there. */
  remove(entry: HandlerEntry): boolean;
  /**
   * The entries in run order, as a copy taken once per change: a dispatch iterates it while
   * handlers add or remove others, and registrations never pay for a copy each.
   */
  snapshot(): readonly HandlerEntry[];
}

export function createHandlerList(): HandlerList {
  const entries: HandlerEntry[] = [];
  const byId = new Map<string, HandlerEntry>();
  let frozen: readonly HandlerEntry[] | undefined;

  // First index whose entry sorts after `e`: binary search keeps 10k registrations cheap.
  function upperBound(e: HandlerEntry): number {
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = entries[mid];
      if (m.priority < e.priority || (m.priority === e.priority && m.seq <= e.seq)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  return {
    get size() {
      return entries.length;
    },
    get: (id) => byId.get(id),
    insert(entry) {
      entries.splice(upperBound(entry), 0, entry);
      byId.set(entry.id, entry);
      frozen = undefined;
    },
    remove(entry) {
      if (byId.get(entry.id) !== entry) return false;
      entries.splice(entries.indexOf(entry), 1);
      byId.delete(entry.id);
      entry.active = false;
      frozen = undefined;
      return true;
    },
    snapshot() {
      frozen ??= entries.slice();
      return frozen;
    },
  };
}

/** True when `entry` runs for a dispatch tagged `tag`. */
export function matchesTag(entry: HandlerEntry, tag: string | undefined): boolean {
  return entry.tags === undefined || (tag !== undefined && entry.tags.has(tag));
}

/** The public view of an entry. */
export function describeEntry(entry: HandlerEntry): HookDescriptor {
  return { id: entry.id, priority: entry.priority, tags: entry.tags ? [...entry.tags] : undefined, locked: entry.locked, once: entry.once };
}
