/**
 * Refresh-ahead for the per-instance caches: once an entry has lived half its TTL, the next hit
 * starts one background reload and is still answered from the entry, which stays valid until
 * its TTL ends. Under steady traffic entries are renewed before they expire, so no request waits
 * on a reload — those waits (an extra query, and under load a wait for a pooled connection) were
 * the slowest percent of reads in the benchmark — and no answer is older than the TTL, as before.
 * @example if (hit && hit.until > now) { if (dueForRefresh(hit.until, TTL_MS, now)) reloadInBackground(); return hit.value; }
 */
export function dueForRefresh(until: number, ttlMs: number, now: number = Date.now()): boolean {
  return until - now < ttlMs / 2;
}
