export { addressProblem, effectiveAllowPrivate, isIpLiteral, parseCidrList } from './address-policy';
export type { AllowedCidr } from './address-policy';
export { isOutboundBlockedError, OutboundBlockedError, OutboundRequestError } from './outbound-errors';
export type { OutboundBlockReason } from './outbound-errors';
export { checkedLookup, resolveChecked, systemResolve } from './safe-lookup';
export type { ResolveHost } from './safe-lookup';
export { safeRequest } from './safe-request';
export type { SafeRequestOptions, SafeResponse } from './safe-request';
