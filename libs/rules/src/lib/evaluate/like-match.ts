import { asciiLower } from './sql-value';

type PatternItem = { readonly any: true } | { readonly any: false; readonly char: string | null };

/**
 * SQL `LIKE … ESCAPE '\'` with ASCII case folding: `%` matches any run, `_` one character
 * (code point), `\x` the character x. Greedy with backtracking to the last `%`: O(n·m) at worst.
 */
export function likeMatch(text: string, pattern: string): boolean {
  const s = Array.from(asciiLower(text));
  const p = compile(Array.from(asciiLower(pattern)));
  let si = 0;
  let pi = 0;
  let starP = -1;
  let starS = 0;
  while (si < s.length) {
    const item = p[pi];
    if (item && !item.any && (item.char === null || item.char === s[si])) {
      si++;
      pi++;
    } else if (item?.any) {
      starP = pi++;
      starS = si;
    } else if (starP >= 0) {
      pi = starP + 1;
      si = ++starS;
    } else {
      return false;
    }
  }
  while (p[pi]?.any) pi++;
  return pi === p.length;
}

function compile(chars: string[]): PatternItem[] {
  const items: PatternItem[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '\\' && i + 1 < chars.length) items.push({ any: false, char: chars[++i] });
    else if (c === '%') items.push({ any: true });
    else items.push({ any: false, char: c === '_' ? null : c });
  }
  return items;
}
