import type { ExpressionNode } from '../ast/expression-node';
import { parseExpression } from '../syntax/parse-expression';
import { resolveParseLimits, type ParseLimits } from '../syntax/parse-limits';

/** A bounded LRU of parsed expressions keyed by their text. ASTs are immutable, so sharing is safe. */
export interface AstCache {
  /** Parses `text` or returns the cached AST. Errors are thrown, not cached. */
  parse(text: string): ExpressionNode;
  /** The limits every parse through this cache uses. */
  readonly limits: ParseLimits;
  /** Number of cached entries. */
  size(): number;
  clear(): void;
}

/** Options of {@link createAstCache}. */
export interface AstCacheOptions {
  /** Maximum number of cached ASTs (default 500). */
  readonly maxEntries?: number;
  readonly limits?: Partial<ParseLimits>;
}

/**
 * Creates a parsed-AST cache (least recently used entries are evicted first).
 * @example const cache = createAstCache({ maxEntries: 1000 }); cache.parse('a = 1');
 */
export function createAstCache(options: AstCacheOptions = {}): AstCache {
  const maxEntries = options.maxEntries ?? 500;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
  const limits = resolveParseLimits(options.limits);
  const entries = new Map<string, ExpressionNode>();
  return {
    limits,
    parse(text) {
      const hit = entries.get(text);
      if (hit) {
        // Re-insert to mark as most recently used (Map keeps insertion order).
        entries.delete(text);
        entries.set(text, hit);
        return hit;
      }
      const ast = parseExpression(text, limits);
      entries.set(text, ast);
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
      return ast;
    },
    size: () => entries.size,
    clear: () => entries.clear(),
  };
}
