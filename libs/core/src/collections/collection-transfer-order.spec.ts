import { deferredReferences, importOrder } from './collection-transfer-order';

const ref = (name: string, target: string) => ({ name, type: 'reference', collection: target, on_delete: 'cascade' });
const text = (name: string) => ({ name, type: 'text' });

describe('importOrder', () => {
  it('puts reference targets first and keeps the file order otherwise', () => {
    const { ordered, cyclic } = importOrder([
      { name: 'comments', schema: [ref('post', 'posts'), ref('author', 'Authors')] },
      { name: 'tags', schema: [text('label')] },
      { name: 'posts', schema: [ref('author', 'authors')] },
      { name: 'authors', schema: [text('name')] },
    ]);
    expect(ordered.map((c) => c.name)).toEqual(['tags', 'authors', 'posts', 'comments']);
    expect(cyclic).toEqual([]);
  });

  it('ignores self-references and targets outside the file', () => {
    const { ordered } = importOrder([
      { name: 'nodes', schema: [ref('parent', 'nodes'), ref('owner', 'users_elsewhere')] },
      { name: 'other', schema: [text('a')] },
    ]);
    expect(ordered.map((c) => c.name)).toEqual(['nodes', 'other']);
  });

  it('tolerates a cycle: its members follow in file order and are named', () => {
    const { ordered, cyclic } = importOrder([
      { name: 'a', schema: [ref('b', 'b')] },
      { name: 'b', schema: [ref('a', 'a')] },
      { name: 'c', schema: [text('x')] },
    ]);
    expect(ordered.map((c) => c.name)).toEqual(['c', 'a', 'b']);
    expect(cyclic).toEqual(['a', 'b']);
  });
});

describe('deferredReferences', () => {
  it('defers only the references of a cycle whose target is not defined yet', () => {
    const { ordered } = importOrder([
      { name: 'a', schema: [ref('b', 'B'), text('x')] },
      { name: 'b', schema: [ref('a', 'a'), ref('self', 'b')] },
      { name: 'c', schema: [ref('a', 'a')] },
    ]);
    expect(ordered.map((c) => c.name)).toEqual(['a', 'b', 'c']);
    expect(deferredReferences(ordered, new Set())).toEqual(new Map([['a', new Set(['b'])]]));
  });

  it('defers nothing when the target already exists or there is no cycle', () => {
    const cycle = importOrder([
      { name: 'a', schema: [ref('b', 'b')] },
      { name: 'b', schema: [ref('a', 'a')] },
    ]).ordered;
    expect(deferredReferences(cycle, new Set(['b'])).size).toBe(0);
    const chain = importOrder([{ name: 'posts', schema: [ref('author', 'authors')] }, { name: 'authors', schema: [text('n')] }]).ordered;
    expect(deferredReferences(chain, new Set()).size).toBe(0);
  });
});
