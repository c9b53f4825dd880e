import { randomUUID } from 'node:crypto';

// The correlation id travels explicitly (RequestContext.requestId; `request_id` on the log lines
// written for a request), not in an AsyncLocalStorage: on Node 20 an active AsyncLocalStorage
// installs a promise hook that runs on every promise of the process, and it cost ~7% of the
// server's CPU per request under load (records bench, docs/collections.md).

const WELL_FORMED = /^[A-Za-z0-9._:-]{1,128}$/;

/** A client's `X-Correlation-ID` when it is well-formed, else a new `cid_<12 hex>` (spec §0.3). */
export function requestIdFrom(header: unknown): string {
  if (typeof header === 'string' && WELL_FORMED.test(header)) return header;
  // randomUUID draws from Node's entropy cache: a fresh randomBytes call per request showed up
  // at 4% of server CPU under load.
  // The first 12 hex digits are the first two groups (8 + 4), taken without a regex pass.
  const uuid = randomUUID();
  return `cid_${uuid.slice(0, 8)}${uuid.slice(9, 13)}`;
}
