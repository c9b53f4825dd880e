import { RuleSyntaxError } from '../errors/rule-syntax-error';
import { createAstCache } from './create-ast-cache';

describe('createAstCache', () => {
  it('returns the same AST for the same text', () => {
    const cache = createAstCache();
    expect(cache.parse('a = 1')).toBe(cache.parse('a = 1'));
    expect(cache.size()).toBe(1);
  });

  it('evicts the least recently used entry', () => {
    const cache = createAstCache({ maxEntries: 2 });
    const a = cache.parse('a');
    cache.parse('b');
    cache.parse('a');
    cache.parse('c');
    expect(cache.size()).toBe(2);
    expect(cache.parse('a')).toBe(a);
    expect(cache.size()).toBe(2);
  });

  it('applies its limits and does not cache errors', () => {
    const cache = createAstCache({ limits: { maxLength: 3 } });
    expect(() => cache.parse('a = 1')).toThrow('Expression is longer than 3 characters');
    expect(() => cache.parse('(')).toThrow(RuleSyntaxError);
    expect(cache.size()).toBe(0);
    cache.clear();
  });

  it('rejects a non-positive size', () => {
    expect(() => createAstCache({ maxEntries: 0 })).toThrow(RangeError);
  });
});
