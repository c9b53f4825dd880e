import { addressProblem, isIpLiteral, parseCidrList } from '../outbound';

/**
 * Why a webhook URL cannot be saved, or null. http/https only (https in production), no
 * credentials, and no literal address outside public unicast (unless allowed). Host names are
 * checked again, resolved, at every delivery: this is only the early, friendly refusal.
 */
export function webhookUrlProblem(raw: string, production: boolean, allowPrivate: readonly string[]): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'Invalid URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'URL must use http or https';
  if (production && url.protocol !== 'https:') return 'URL must use https in production';
  if (url.username || url.password) return 'URL must not contain credentials';
  if (url.hostname === 'localhost' || url.hostname.endsWith('.localhost')) {
    if (!parseCidrList(allowPrivate).length) return 'URL must not point to a private or loopback address';
  }
  if (isIpLiteral(url.hostname) && addressProblem(url.hostname, parseCidrList(allowPrivate))) {
    return 'URL must not point to a private or loopback address';
  }
  return null;
}

/** Custom headers a webhook may not set (framing, routing, and our own signature headers). */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'content-type', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'proxy-authorization', 'proxy-connection', 'expect']);

/** The first custom header that may not be set, or null. */
export function reservedHeader(headers: Readonly<Record<string, string>>): string | null {
  for (const name of Object.keys(headers)) {
    const lower = name.toLowerCase();
    if (RESERVED_HEADERS.has(lower) || lower.startsWith('x-snackbase-')) return name;
    if (/[\r\n\0]/.test(headers[name])) return name;
  }
  return null;
}
