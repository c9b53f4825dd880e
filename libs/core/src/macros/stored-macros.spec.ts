import type { MacroResponse } from '@snackbase/contract';
import { buildRegistry, toMacroResponse } from './stored-macros';

const stored = (id: number, name: string, body: string, parameters: string[] = []): MacroResponse => ({
  id,
  name,
  description: null,
  sql_query: body,
  parameters,
  created_at: '',
  updated_at: '',
  created_by: null,
});

describe('buildRegistry', () => {
  it('holds the built-ins and stored macros whatever their id order', () => {
    const registry = buildRegistry([stored(1, 'outer', '@inner(1) && b = 2'), stored(2, 'inner', 'a = x', ['x'])]);
    expect(registry.get('has_role')?.kind).toBe('builtin');
    expect(registry.get('outer')?.kind).toBe('user');
    expect(registry.get('inner')?.kind).toBe('user');
  });

  it('leaves out (and reports) rows that no longer validate, failing closed', () => {
    const skipped: string[] = [];
    const registry = buildRegistry(
      [stored(1, 'broken', 'a = '), stored(2, 'orphan', '@gone() && a = 1'), stored(3, 'plain', 'a = 1'), stored(4, 'has_role', 'a = 1'), stored(5, 'fine', 'a = 1')],
      (name) => skipped.push(name),
    );
    expect(skipped.sort()).toEqual(['broken', 'has_role', 'orphan']);
    expect(registry.get('broken')).toBeUndefined();
    expect(registry.get('has_role')?.kind).toBe('builtin');
    expect(registry.get('fine')?.kind).toBe('user');
  });
});

describe('toMacroResponse', () => {
  it('reads parameters from JSON text (SQLite) or parsed JSON (PostgreSQL)', () => {
    const row = { id: 3, name: 'm', description: null, sql_query: 'a = p', created_at: 't', updated_at: 't', created_by: null };
    expect(toMacroResponse({ ...row, parameters: '["p"]' }).parameters).toEqual(['p']);
    expect(toMacroResponse({ ...row, parameters: ['p'] }).parameters).toEqual(['p']);
    expect(toMacroResponse({ ...row, parameters: 'garbage' }).parameters).toEqual([]);
  });
});
