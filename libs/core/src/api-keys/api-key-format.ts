import { randomToken } from '@snackbase/auth';

/** Prefix of the keys this server issues; the SDK's `detectTokenType` reads `sb_ak` as an API key. */
export const API_KEY_PREFIX = 'sb_ak.';
/** Prefix of the reference's legacy keys (spec §2.7); accepted, never issued. */
export const LEGACY_API_KEY_PREFIX = 'sb_sk_';
/** Longer values are refused unhashed: no key we accept is anywhere near it. */
const MAX_KEY_LENGTH = 512;

/**
 * A new key: `sb_ak.` + 32 random bytes in base64url (43 characters, no `.`), so the value is
 * opaque and `key.split('.')[0]` is `sb_ak`. Unlike the reference's HMAC tokens (spec §2.6) it
 * carries no claims: the server looks it up by hash, which makes revocation and owner checks
 * exact.
 * @example generateApiKey() // 'sb_ak.Jx3…'
 */
export function generateApiKey(): string {
  return `${API_KEY_PREFIX}${randomToken(32)}`;
}

/** True when `value` has the shape of an issued or a legacy key (the hash lookup decides the rest). */
export function isApiKeyFormat(value: string): boolean {
  if (value.length > MAX_KEY_LENGTH) return false;
  const body = value.startsWith(API_KEY_PREFIX) ? value.slice(API_KEY_PREFIX.length) : value.startsWith(LEGACY_API_KEY_PREFIX) ? value.slice(LEGACY_API_KEY_PREFIX.length) : undefined;
  return body !== undefined && /^[A-Za-z0-9_.-]{16,}$/.test(body);
}

/**
 * The masked form lists and details show: `first6...last4` of the stored SHA-256 hash, as the
 * reference does (the plaintext is never stored, so it cannot be masked).
 * @example maskKeyHash('9f86d081884c7d659a2f…a08') // '9f86d0...0a08'
 */
export function maskKeyHash(keyHash: string): string {
  return `${keyHash.slice(0, 6)}...${keyHash.slice(-4)}`;
}
