import { AppError } from '../errors';
import { assertWritableFields, parseFieldList, projectFields, SYSTEM_FIELD_NAMES, visibleFieldNames } from './field-access';

function thrown(fn: () => void): AppError {
  try {
    fn();
  } catch (e) {
    return e as AppError;
  }
  throw new Error('expected a throw');
}

describe('parseFieldList', () => {
  it.each([
    ['*', '*'],
    ['', '*'],
    ['["title","status"]', ['title', 'status']],
    ['[]', []],
    ['not json', '*'],
    ['{"a":1}', '*'],
    ['"title"', '*'],
    ['["title","*"]', '*'],
    ['["title",1,"title"]', ['title']],
  ])('%s → %j', (text, expected) => {
    expect(parseFieldList(text)).toEqual(expected);
  });

  it('returns the same value for the same text (memoised)', () => {
    expect(parseFieldList('["a","b"]')).toBe(parseFieldList('["a","b"]'));
  });
});

describe('assertWritableFields', () => {
  it('rejects system fields with the reference body (create and update)', () => {
    const e = thrown(() => assertWritableFields({ title: 'x', account_id: 'A' }, '*', 'create'));
    expect(e).toMatchObject({
      status: 422,
      code: 'field_access_denied',
      title: 'Field access denied',
      message: 'Cannot create system fields via API: account_id',
      extras: { unauthorized_fields: ['account_id'], field_type: 'system' },
    });
    expect(e.extras).not.toHaveProperty('allowed_fields');
    const u = thrown(() => assertWritableFields({ id: '1', created_by: 'u' }, ['id'], 'update'));
    expect(u.message).toBe('Cannot update system fields via API: id, created_by');
    expect(u.extras).toEqual({ unauthorized_fields: ['id', 'created_by'], field_type: 'system' });
  });

  it('rejects fields outside the list with allowed_fields', () => {
    const e = thrown(() => assertWritableFields({ title: 'x', a: 1, b: 2 }, ['title'], 'create'));
    expect(e).toMatchObject({
      status: 422,
      code: 'field_access_denied',
      message: 'Permission denied to create fields: a, b',
      extras: { unauthorized_fields: ['a', 'b'], allowed_fields: ['title'], field_type: 'restricted' },
    });
    expect(thrown(() => assertWritableFields({ b: 2 }, [], 'update')).message).toBe('Permission denied to update fields: b');
  });

  it('checks system fields before the list', () => {
    expect(thrown(() => assertWritableFields({ a: 1, updated_at: 'x' }, ['title'], 'update')).extras).toMatchObject({ field_type: 'system' });
  });

  it('accepts listed fields, any field with *, and an empty body', () => {
    expect(() => assertWritableFields({ title: 'x' }, ['title', 'status'], 'create')).not.toThrow();
    expect(() => assertWritableFields({ anything: 1 }, '*', 'update')).not.toThrow();
    expect(() => assertWritableFields({}, [], 'create')).not.toThrow();
  });
});

describe('projectFields', () => {
  const row = {
    id: 'r1',
    account_id: 'A',
    created_at: 't',
    created_by: 'u',
    updated_at: 't',
    updated_by: 'u',
    title: 'T',
    secret: 'S',
    status: 'draft',
  };
  const system = { id: 'r1', account_id: 'A', created_at: 't', created_by: 'u', updated_at: 't', updated_by: 'u' };

  it('keeps everything for * and returns a copy', () => {
    const out = projectFields(row, '*');
    expect(out).toEqual(row);
    expect(out).not.toBe(row);
  });

  it('keeps system fields plus listed ones', () => {
    expect(projectFields(row, ['title'])).toEqual({ ...system, title: 'T' });
    expect(projectFields(row, [])).toEqual(system);
  });

  it('projects further by ?fields=, system fields kept, never widening the list', () => {
    expect(projectFields(row, ['title', 'status'], ['status', 'secret'])).toEqual({ ...system, status: 'draft' });
    expect(projectFields(row, '*', ['secret'])).toEqual({ ...system, secret: 'S' });
    expect(projectFields(row, ['title'], ['*'])).toEqual({ ...system, title: 'T' });
    expect(projectFields(row, ['title'], [])).toEqual(system);
  });
});

describe('visibleFieldNames', () => {
  it('is system fields plus the list, or every field for *', () => {
    expect([...visibleFieldNames(['title'], ['title', 'secret'])].sort()).toEqual([...SYSTEM_FIELD_NAMES, 'title'].sort());
    expect(visibleFieldNames('*', ['title', 'secret']).has('secret')).toBe(true);
    expect(visibleFieldNames(['title'], ['title', 'secret']).has('secret')).toBe(false);
    expect(visibleFieldNames([], []).has('updated_by')).toBe(true);
  });
});
