import ipaddr from 'ipaddr.js';

/** A parsed CIDR an operator allowed (`SNACKBASE_OUTBOUND_ALLOW_PRIVATE`). */
export type AllowedCidr = readonly [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * Parses CIDRs such as `127.0.0.1/32` or `::1/128` (a bare address means the single host).
 * @throws {Error} naming the first entry that is not a CIDR.
 */
export function parseCidrList(list: readonly string[]): AllowedCidr[] {
  return list
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      try {
        if (entry.includes('/')) return ipaddr.parseCIDR(entry) as AllowedCidr;
        const ip = ipaddr.process(entry);
        return [ip, ip.kind() === 'ipv4' ? 32 : 128] as AllowedCidr;
      } catch {
        throw new Error(`Not a CIDR: ${JSON.stringify(entry)}`);
      }
    });
}

/**
 * The allow list in effect: always empty in production, whatever is configured (DECISIONS).
 * @example effectiveAllowPrivate('development', ['127.0.0.1/32'])
 */
export function effectiveAllowPrivate(environment: string, configured: readonly string[]): readonly string[] {
  return environment === 'production' ? [] : configured;
}

/** True when `text` is an IPv4 or IPv6 literal (brackets allowed). */
export function isIpLiteral(text: string): boolean {
  return ipaddr.isValid(text.replace(/^\[(.*)\]$/, '$1'));
}

/**
 * Why an address may not be contacted, or null when it may. Only globally routable unicast
 * addresses pass: loopback, private, link-local (169.254.169.254 included), unique-local,
 * carrier-grade NAT, multicast, broadcast, unspecified, reserved, documentation and the IPv6
 * ranges that embed IPv4 (mapped, NAT64, 6to4, Teredo) are refused, unless inside `allow`.
 * IPv4-mapped IPv6 is judged as the IPv4 it carries.
 */
export function addressProblem(address: string, allow: readonly AllowedCidr[]): string | null {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.process(address.replace(/^\[(.*)\]$/, '$1'));
  } catch {
    return `not an IP address: ${address}`;
  }
  for (const [net, bits] of allow) {
    if (net.kind() === ip.kind() && ip.match(net, bits)) return null;
  }
  const range = ip.range();
  return range === 'unicast' ? null : `${ip.toString()} is in a ${range} range`;
}
