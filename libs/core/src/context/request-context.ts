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
  /**
   * How many API-hook runs led to this work: absent for a client's request, N for the record
   * actions of a hook run at depth N. Their record events carry it to the hooks they trigger, so
   * a chain stops at MAX_HOOK_DEPTH however it loops back.
   */
  readonly hookDepth?: number;
}

/** A context for work no request started (CLI, start-up, scheduled jobs). */
export function systemContext(requestId: string): RequestContext {
  return { principal: { kind: 'anonymous' }, requestId };
}
