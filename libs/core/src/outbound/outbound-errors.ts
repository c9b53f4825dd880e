/** Why an outbound request was refused by policy (nothing was sent, except for `response_too_large`). */
export type OutboundBlockReason =
  | 'invalid_url'
  | 'scheme_not_allowed'
  | 'credentials_in_url'
  | 'address_not_allowed'
  | 'unresolvable_host'
  | 'response_too_large';

/**
 * An outbound request the SSRF policy refused. For every reason but `response_too_large` it is
 * thrown before a socket connects, so the target saw nothing. `address` names the refused
 * address when there is one (for logs; never echo it to other tenants).
 */
export class OutboundBlockedError extends Error {
  override readonly name = 'OutboundBlockedError';
  constructor(
    readonly reason: OutboundBlockReason,
    message: string,
    readonly address?: string,
  ) {
    super(message);
  }
}

/** An outbound request that was allowed but failed: timeout or a network error. */
export class OutboundRequestError extends Error {
  override readonly name = 'OutboundRequestError';
  constructor(
    readonly reason: 'timeout' | 'network',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True for an {@link OutboundBlockedError}, also across module copies (jest realms). */
export function isOutboundBlockedError(e: unknown): e is OutboundBlockedError {
  return e instanceof OutboundBlockedError || (e as { name?: unknown } | null)?.name === 'OutboundBlockedError';
}
