/** A value the evaluator computes with: SQL's scalars, with NULL as `null`. */
export type SqlValue = string | number | boolean | null;

/** SQL's three-valued logic result: TRUE, FALSE or UNKNOWN (`null`). */
export type TruthValue = boolean | null;

/**
 * Maps a record value to an {@link SqlValue}: `undefined` → NULL, `Date` → ISO string,
 * `bigint` → number, other objects (json) → their JSON text.
 */
export function toSqlValue(value: unknown): SqlValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value) ?? null;
}

/** A value in condition position: booleans as is, numbers as SQLite does (0 = false). */
export function toTruth(value: SqlValue): TruthValue {
  if (typeof value === 'boolean' || value === null) return value;
  if (typeof value === 'number') return value !== 0;
  return null;
}

/**
 * Compares two non-null values: negative, zero or positive, or `null` when they are of
 * different kinds. Booleans meet numbers as 1/0 (SQLite stores booleans so); text compares by
 * code point (SQLite BINARY, PostgreSQL `COLLATE "C"`).
 */
export function compareValues(a: Exclude<SqlValue, null>, b: Exclude<SqlValue, null>): number | null {
  const x = typeof a === 'boolean' && typeof b === 'number' ? Number(a) : a;
  const y = typeof b === 'boolean' && typeof a === 'number' ? Number(b) : b;
  if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : x > y ? 1 : 0;
  if (typeof x === 'boolean' && typeof y === 'boolean') return Number(x) - Number(y);
  if (typeof x === 'string' && typeof y === 'string') return compareCodePoints(x, y);
  return null;
}

function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.codePointAt(i) ?? 0;
    const cb = b.codePointAt(j) ?? 0;
    if (ca !== cb) return ca - cb;
    i += ca > 0xffff ? 2 : 1;
    j += cb > 0xffff ? 2 : 1;
  }
  return a.length - i - (b.length - j);
}

/** ASCII-only lower-casing (SQLite's `lower` and LIKE folding). */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

/** ASCII-only upper-casing (SQLite's `upper`). */
export function asciiUpper(s: string): string {
  return s.replace(/[a-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 32));
}
