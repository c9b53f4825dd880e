import type { Principal } from '../auth';

/**
 * What every core call receives first (ARCHITECTURE principle 4): who is calling and about which
 * request. Core never reads `req`/`res`; transports build this once per request.
 */
export interface RequestContext {
  readonly principal: Principal;
  /** The request's correlation id; also the audit rows' `request_id`. */
  readonly requestId: string;
  readonly ip?: string;
  readonly userAgent?: string;
}

/** A context for work no request started (CLI, start-up, scheduled jobs). */
export function systemContext(requestId: string): RequestContext {
  return { principal: { kind: 'anonymous' }, requestId };
}
