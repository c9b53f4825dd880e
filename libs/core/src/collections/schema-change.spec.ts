import { normalizeStoredField } from './collection-model';
import { planSchemaChange, rewriteFieldLists } from './schema-change';
import { LOCKED_RULES } from './collection-model';

const f = (name: string, type = 'text') => normalizeStoredField({ name, type });

describe('planSchemaChange', () => {
  it('tells kept, renamed and removed fields apart', () => {
    const plan = planSchemaChange([f('a'), f('b'), f('c', 'number')], [f('a'), f('bee'), f('d')], { b: 'bee' });
    expect(plan).toEqual({ problems: [], renamed: { bee: 'b' }, removed: ['c'] });
  });

  it.each([
    ['a type change', [f('a')], [f('a', 'number')], {}, 'schema[0].type', 'type_change_not_allowed'],
    ['a type change through a rename', [f('a')], [f('z', 'json')], { a: 'z' }, 'schema[0].type', 'type_change_not_allowed'],
    ['computed to stored', [normalizeStoredField({ name: 'c', type: 'computed', expression: '1', return_type: 'number' })], [f('c', 'number')], {}, 'schema[0].type', 'type_change_not_allowed'],
    ['a rename of nothing', [f('a')], [f('a')], { x: 'a' }, 'renames.x', 'rename_source_missing'],
    ['a rename to a name not in the list', [f('a')], [f('b')], { a: 'c' }, 'renames.a', 'rename_target_missing'],
    ['a rename onto an existing field (swap)', [f('a'), f('b')], [f('a'), f('b')], { a: 'b', b: 'a' }, 'renames.a', 'field_name_duplicate'],
  ] as const)('refuses %s', (_n, before, after, renames, field, code) => {
    expect(planSchemaChange(before, after, renames).problems).toContainEqual(expect.objectContaining({ field, code }));
  });
});

describe('rewriteFieldLists', () => {
  it('renames and drops names in JSON field lists and leaves "*" and broken lists alone', () => {
    const rules = { ...LOCKED_RULES, list_fields: '["a","b","c"]', view_fields: 'not json', create_fields: '["c"]' };
    expect(rewriteFieldLists(rules, { problems: [], renamed: { bee: 'b' }, removed: ['c'] })).toEqual({ list_fields: '["a","bee"]', create_fields: '[]' });
  });
});
