/** A JSON value as RFC 8785 accepts it (I-JSON: finite numbers, well-formed strings). */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue | undefined };

/** Thrown for input that has no canonical form (NaN, Infinity, lone surrogates, non-JSON types). */
export class CanonicalJsonError extends TypeError {
  override readonly name = 'CanonicalJsonError';
}

/**
 * A string as RFC 8785 §3.2.2.2 writes it: `"` and `\` escaped, control characters as the
 * short escapes or `\u00xx` (lowercase hex), everything else literal. That is exactly what
 * `JSON.stringify` writes for a well-formed string (RFC 8785 defines its serialisation after
 * ECMAScript's), so it does the work; lone surrogates are refused because I-JSON forbids them
 * (`JSON.stringify` would escape them instead).
 */
export function canonicalString(value: string): string {
  if (!isWellFormed(value)) throw new CanonicalJsonError(`lone surrogate at index ${loneSurrogateAt(value)}`);
  return JSON.stringify(value);
}

/**
 * True when `value` has no lone surrogate: ES2024's String.prototype.isWellFormed (Node 20 has
 * it; the project's TypeScript lib is ES2022, hence the cast).
 */
export const isWellFormed = (value: string): boolean => (value as unknown as { isWellFormed(): boolean }).isWellFormed();

function loneSurrogateAt(value: string): number {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return i;
    } else if (c >= 0xdc00 && c <= 0xdfff) return i;
  }
  return -1;
}

/**
 * A number as RFC 8785 §3.2.2.3 writes it: the ECMAScript Number-to-String algorithm, which is
 * what `String(n)` implements; `-0` is `0`; NaN and the infinities have no JSON form.
 */
export function canonicalNumber(value: number): string {
  if (!Number.isFinite(value)) throw new CanonicalJsonError(`${value} has no JSON form`);
  return Object.is(value, -0) ? '0' : String(value);
}

/**
 * Serialises `value` as RFC 8785 JSON Canonicalization Scheme text: no whitespace, object
 * members sorted by UTF-16 code units, numbers and strings in their canonical form. Object
 * members whose value is `undefined` are left out (as `JSON.stringify` does); anything that is
 * not JSON throws {@link CanonicalJsonError}.
 * @example canonicalize({ b: [1, 2.50], a: 'x' }) // '{"a":"x","b":[1,2.5]}'
 */
export function canonicalize(value: JsonValue): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return canonicalNumber(value);
    case 'string':
      return canonicalString(value);
    case 'object':
      break;
    default:
      throw new CanonicalJsonError(`${typeof value} is not JSON`);
  }
  if (Array.isArray(value)) return `[${value.map((v: JsonValue) => canonicalize(v)).join(',')}]`;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) throw new CanonicalJsonError(`${(value as object).constructor?.name ?? 'object'} is not JSON`);
  const obj = value as { readonly [key: string]: JsonValue | undefined };
  const members = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    // The default sort compares UTF-16 code units, the order RFC 8785 §3.2.3 asks for.
    .sort()
    .map((k) => `${canonicalString(k)}:${canonicalize(obj[k] as JsonValue)}`);
  return `{${members.join(',')}}`;
}
