import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress } from 'node:dns';
import { addressProblem, type AllowedCidr } from './address-policy';
import { OutboundBlockedError } from './outbound-errors';

/** Resolves a host name to every address it has (injectable so tests need no DNS). */
export type ResolveHost = (hostname: string) => Promise<readonly LookupAddress[]>;

/** The system resolver (`getaddrinfo`, hosts file included), every address, in its order. */
export const systemResolve: ResolveHost = (hostname) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))));

/**
 * Resolves `hostname` and checks EVERY address against the policy: one refused address refuses
 * the host (a name that answers both a public and a private address is an attack, not a
 * fallback). The caller connects only to addresses this returned.
 */
export async function resolveChecked(hostname: string, allow: readonly AllowedCidr[], resolve: ResolveHost): Promise<LookupAddress[]> {
  let addresses: readonly LookupAddress[];
  try {
    addresses = await resolve(hostname);
  } catch (e) {
    throw new OutboundBlockedError('unresolvable_host', `Could not resolve ${hostname}: ${(e as Error).message}`);
  }
  if (addresses.length === 0) throw new OutboundBlockedError('unresolvable_host', `No address for ${hostname}`);
  for (const a of addresses) {
    const problem = addressProblem(a.address, allow);
    if (problem) throw new OutboundBlockedError('address_not_allowed', `Refused to connect to ${hostname}: ${problem}`, a.address);
  }
  return addresses.map((a) => ({ address: a.address, family: a.family }));
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for `http.request` that hands the socket only checked addresses, so the address
 * connected to is the address the check saw (no second resolution, no TOCTOU window).
 * Honours `options.all` (Node's happy-eyeballs asks for every address).
 */
export function checkedLookup(allow: readonly AllowedCidr[], resolve: ResolveHost) {
  return (hostname: string, options: { all?: boolean } | number | undefined, callback: LookupCallback): void => {
    const all = typeof options === 'object' && options !== null && options.all === true;
    resolveChecked(hostname, allow, resolve).then(
      (addresses) => (all ? callback(null, addresses) : callback(null, addresses[0].address, addresses[0].family)),
      (e: NodeJS.ErrnoException) => callback(e, all ? [] : '', 0),
    );
  };
}
