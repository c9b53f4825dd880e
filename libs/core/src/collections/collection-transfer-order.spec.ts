import { importOrder } from './collection-transfer-order';

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
