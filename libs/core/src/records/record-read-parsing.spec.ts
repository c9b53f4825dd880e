import { parseHaving } from './aggregate-having';
import { decodeCursor, encodeCursor } from './record-cursor';
import { parseListQuery } from './list-query';

describe('parseHaving', () => {
  const aliases = new Set(['count', 'sum_price', 'avg_price']);
  it('reads aliases, call forms, AND/OR/&&/|| and parentheses', () => {
    expect(parseHaving('count > 5', aliases)).toEqual({ kind: 'compare', alias: 'count', op: '>', value: 5 });
    expect(parseHaving('count() >= 2 and (sum(price) < -1.5 || avg_price = "x")', aliases)).toEqual({
      kind: 'and',
      operands: [
        { kind: 'compare', alias: 'count', op: '>=', value: 2 },
        { kind: 'or', operands: [{ kind: 'compare', alias: 'sum_price', op: '<', value: -1.5 }, { kind: 'compare', alias: 'avg_price', op: '=', value: 'x' }] },
      ],
    });
    expect(parseHaving("count != 'a\\'b' OR count <= 1", aliases)).toMatchObject({ kind: 'or' });
  });
  it.each([
    ['count >', 'Expected a number'],
    ['max_price > 1', "Unknown aggregate 'max_price'"],
    ['count 5', 'Expected a comparison operator'],
    ['(count > 1', "Expected ')'"],
    ['count > 1 count', 'Unexpected'],
    ['count > 1; drop table x', 'Unexpected'],
    ['', 'Expected an aggregate'],
  ])('%s → 400 (%s)', (text, message) => {
    expect(() => parseHaving(text, aliases)).toThrow(expect.objectContaining({ status: 400, code: 'invalid_aggregation', message: expect.stringContaining(message) }));
  });
});

describe('cursors', () => {
  it('round-trips with = padding, as the reference', () => {
    const c = encodeCursor({ value: 'héllo', id: 'r1' });
    expect(c.length % 4).toBe(0);
    expect(decodeCursor(c, 'cursor', 'text')).toEqual({ value: 'héllo', id: 'r1' });
    expect(decodeCursor(encodeCursor({ value: null, id: 'r2' }), 'cursor', 'number')).toEqual({ value: null, id: 'r2' });
  });
  it.each([
    ['not base64!', 'text'],
    [Buffer.from('nope').toString('base64url'), 'text'],
    [Buffer.from('[1]').toString('base64url'), 'text'],
    [Buffer.from('{"sort_value":1}').toString('base64url'), 'number'],
    [Buffer.from('{"sort_value":"x","id":"a"}').toString('base64url'), 'number'],
    [Buffer.from('{"sort_value":"yesterday","id":"a"}').toString('base64url'), 'timestamp'],
  ] as const)('%s → 400 invalid_cursor', (text, kind) => {
    expect(() => decodeCursor(text, 'cursor_before', kind)).toThrow(expect.objectContaining({ status: 400, code: 'invalid_cursor', title: 'Invalid cursor_before' }));
  });
});

describe('parseListQuery', () => {
  it('applies the defaults', () => {
    expect(parseListQuery({})).toEqual({ skip: 0, limit: 30, sort: undefined, fields: undefined, filter: undefined, expand: undefined, cursor: undefined, cursorBefore: undefined, includeCount: false, skipTotal: false });
  });
  it('ignores _-prefixed cache busters and rejects other unknown parameters', () => {
    expect(parseListQuery({ _: '1', _ts: '2', fields: 'a, b,' }).fields).toEqual(['a', 'b']);
    expect(() => parseListQuery({ status: 'x' })).toThrow(expect.objectContaining({ status: 400, code: 'unsupported_query_parameter' }));
  });
  it.each([{ limit: '0' }, { limit: '101' }, { limit: '1.5' }, { skip: '-1' }, { skip: 'x' }, { include_count: 'maybe' }, { filter: ['a', 'b'] }])('%p → 422', (q) => {
    expect(() => parseListQuery(q)).toThrow(expect.objectContaining({ status: 422 }));
  });
});
