/**
 * Builds the LIKE pattern (escape character `\`) that `left ~ right` matches against.
 *
 * - A string literal containing `%` is a pattern: `%` = any run, `_` = one character,
 *   `\` escapes the next character.
 * - A string literal without `%` is a substring: `_` and `\` are escaped and the value is
 *   wrapped in `%…%` (so `title ~ 'a_b'` means "contains a_b").
 * - A request value (`@request.auth.email`) is always a substring, never a pattern.
 */
export function likePattern(value: string, source: 'literal' | 'value'): string {
  if (source === 'literal' && value.includes('%')) return value;
  return `%${escapeLike(value)}%`;
}

/** Escapes LIKE metacharacters (`%`, `_`, `\`) with `\`. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Whether a literal pattern ends with a lone escape character (an error on PostgreSQL). */
export function hasDanglingEscape(pattern: string): boolean {
  let backslashes = 0;
  for (let i = pattern.length - 1; i >= 0 && pattern[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 1;
}
