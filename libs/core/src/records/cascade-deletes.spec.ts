import type { CollectionField, CollectionModel } from '../collections';
import { childrenFirst } from './cascade-deletes';

const ref = (name: string, on_delete: CollectionField['on_delete']) => ({ name, type: 'reference', collection: 'Nodes', on_delete }) as CollectionField;
const model = (fields: CollectionField[]) => ({ name: 'nodes', fields }) as unknown as CollectionModel;

describe('childrenFirst', () => {
  // root ← mid ← leaf (through `parent`), plus a loner.
  const rows: Record<string, Record<string, unknown>> = { root: { parent: null }, mid: { parent: 'root' }, leaf: { parent: 'mid' }, loner: { parent: 'elsewhere' } };
  const rowOf = (id: string) => rows[id];

  it.each([
    [['root', 'mid', 'leaf'], ['leaf', 'mid', 'root']],
    [['root', 'loner', 'leaf'], ['root', 'loner', 'leaf']], // mid is not in the batch: no order between root and leaf
    [['loner', 'mid', 'root', 'leaf'], ['loner', 'leaf', 'mid', 'root']],
  ])('orders %j as %j over a restrict self-reference', (ids, expected) => {
    expect(childrenFirst(model([ref('parent', 'restrict')]), ids, rowOf)).toEqual(expected);
  });

  it('keeps the request order for cascade and set_null references', () => {
    for (const action of ['cascade', 'set_null'] as const) expect(childrenFirst(model([ref('parent', action)]), ['root', 'mid'], rowOf)).toEqual(['root', 'mid']);
  });

  it('ends on a cycle, every id once', () => {
    const cycle: Record<string, Record<string, unknown>> = { a: { parent: 'b' }, b: { parent: 'a' } };
    expect(childrenFirst(model([ref('parent', 'restrict')]), ['a', 'b'], (id) => cycle[id]).sort()).toEqual(['a', 'b']);
  });
});
