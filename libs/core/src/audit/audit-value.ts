import { canonicalize, canonicalNumber, isWellFormed, type JsonValue } from './canonical-json';

/** What a secret column's value is stored as, old and new alike. */
export const REDACTED = '[redacted]';

// Spec §7.2's always-masked names plus what §12.5 item 42 found leaking (`key_hash`, `token`);
// any `*_hash`, `*_secret`, `*_token`, `*password*` or `*private_key*` name counts too.
const SECRET_NAMES = new Set([
  'password',
  'password_hash',
  'hashed_password',
  'refresh_token',
  'token_hash',
  'access_token',
  'client_secret',
  'secret',
  'code_verifier',
  'state_token',
  'verification_token',
  'key_hash',
  'token',
  'api_key',
]);
const SECRET_PATTERN = /(_hash|_secret|_token)$|password|private_key/i;

/** True when a column (or JSON member) of this name holds a secret that must never be stored. */
export function isSecretName(name: string): boolean {
  return SECRET_NAMES.has(name.toLowerCase()) || SECRET_PATTERN.test(name);
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `text` with lone surrogates replaced by U+FFFD (what PostgreSQL stores; JCS refuses them). */
export function wellFormed(text: string): string {
  // The check skips the regex for the usual, well-formed text.
  return isWellFormed(text) ? text : text.replace(LONE_SURROGATE, '\ufffd');
}

/** `value` as plain JSON: Dates as ISO strings, bigints as decimal strings, secret members redacted. */
export function toJson(value: unknown, depth = 0): JsonValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string') return wellFormed(value);
  if (typeof value === 'boolean') return value;
  if (depth > 32) return '[too deep]';
  if (Array.isArray(value)) return value.map((v) => toJson(v, depth + 1));
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value)) out[wellFormed(k)] = isSecretName(k) && v !== null && v !== undefined ? REDACTED : toJson(v, depth + 1);
    return out;
  }
  return String(value);
}

/**
 * A column value as the audit log stores it, the same in every language: null stays null,
 * strings as they are, booleans `true`/`false`, numbers in their JCS form, Dates as ISO-8601
 * UTC with milliseconds, bytes as base64, objects and arrays as JCS JSON (secret members
 * redacted). Lone surrogates become U+FFFD, as PostgreSQL would store them.
 * @example encodeAuditValue({ b: 1, a: true }) // '{"a":true,"b":1}'
 */
export function encodeAuditValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return wellFormed(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? canonicalNumber(value) : String(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return canonicalize(toJson(value));
}

/** A column's stored value: {@link REDACTED} for secret columns that hold something. */
export function storedAuditValue(column: string, value: unknown): string | null {
  const encoded = encodeAuditValue(value);
  return encoded !== null && isSecretName(column) ? REDACTED : encoded;
}
