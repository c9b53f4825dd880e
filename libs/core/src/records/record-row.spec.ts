import { LOCKED_RULES, normalizeStoredField, type CollectionModel } from '../collections';
import type { RuleCaller } from '../access';
import { fromStoredRow, presentRecord, toIsoTimestamp, toStoredValue } from './record-row';

const model = (rules: Partial<typeof LOCKED_RULES> = {}): CollectionModel => ({
  id: 'c1',
  name: 'people',
  tableName: 'col_people',
  fields: [
    { name: 'name', type: 'text', pii: true, mask_type: 'name' },
    { name: 'email', type: 'email', pii: true, mask_type: 'email' },
    { name: 'age', type: 'number' },
    { name: 'active', type: 'boolean' },
    { name: 'meta', type: 'json' },
    { name: 'avatar', type: 'file' },
    { name: 'born', type: 'datetime' },
    { name: 'next_age', type: 'computed', expression: 'age + 1', return_type: 'number' },
    { name: 'broken', type: 'computed', expression: 'nope + 1', return_type: 'number' },
    { name: 'shout', type: 'computed', expression: 'upper(email)', return_type: 'text' },
  ].map(normalizeStoredField),
  rules: { ...LOCKED_RULES, ...rules },
  migrationRevision: null,
  createdAt: '',
  updatedAt: '',
});

const user: RuleCaller = { auth: { id: 'u1', email: 'u@x.test', role: 'user', account_id: 'a1' }, isSuperadmin: false, groups: [] };
const piiReader: RuleCaller = { ...user, groups: ['pii_access'] };
const superadmin: RuleCaller = { auth: user.auth, isSuperadmin: true, groups: [] };

describe('toIsoTimestamp', () => {
  it.each([
    ['2024-01-01 10:00:00', '2024-01-01T10:00:00.000Z'],
    ['2024-01-01T10:00:00.123456+00:00', '2024-01-01T10:00:00.123Z'],
    ['2024-01-01T12:00:00+02:00', '2024-01-01T10:00:00.000Z'],
    ['2024-01-01T10:00Z', '2024-01-01T10:00:00.000Z'],
    ['2024-01-01T10:00:00.000Z', '2024-01-01T10:00:00.000Z'],
    ['not a time', 'not a time'],
  ])('%s → %s', (input, expected) => expect(toIsoTimestamp(input)).toBe(expected));
  it('formats Dates', () => expect(toIsoTimestamp(new Date(Date.UTC(2024, 0, 1)))).toBe('2024-01-01T00:00:00.000Z'));
});

describe('fromStoredRow', () => {
  it('turns SQLite storage into API values', () => {
    const row = fromStoredRow(model(), {
      id: 'r1',
      created_at: '2024-01-01 10:00:00',
      active: 1,
      meta: '{"a":[1]}',
      avatar: '{"filename":"a.png","size":3,"mime_type":"image/png","path":"x/a.png"}',
      born: '2000-05-05T00:00:00',
      age: '41',
      account_name: 'Acme',
    }, 'sqlite');
    expect(row).toEqual({
      id: 'r1',
      created_at: '2024-01-01T10:00:00.000Z',
      active: true,
      meta: { a: [1] },
      avatar: { filename: 'a.png', size: 3, mime_type: 'image/png', path: 'x/a.png' },
      born: '2000-05-05T00:00:00.000Z',
      age: 41,
      account_name: 'Acme',
    });
  });
  it('keeps a PostgreSQL JSON string value as a string', () => {
    expect(fromStoredRow(model(), { meta: '123', active: false }, 'postgres')).toEqual({ meta: '123', active: false });
  });
  it('keeps nulls', () => expect(fromStoredRow(model(), { active: null, meta: null }, 'sqlite')).toEqual({ active: null, meta: null }));
});

describe('toStoredValue', () => {
  const f = (name: string) => model().fields.find((x) => x.name === name) ?? normalizeStoredField({ name, type: 'text' });
  it('stores booleans as 1/0 on SQLite only', () => {
    expect(toStoredValue('sqlite', f('active'), true)).toBe(1);
    expect(toStoredValue('postgres', f('active'), false)).toBe(false);
  });
  it('stores json as JSON text on both dialects', () => {
    expect(toStoredValue('postgres', f('meta'), [1, 2])).toBe('[1,2]');
    expect(toStoredValue('sqlite', f('avatar'), { filename: 'a' })).toBe('{"filename":"a"}');
  });
  it('normalises datetimes to ISO UTC', () => expect(toStoredValue('sqlite', f('born'), '2024-01-01T12:00:00+02:00')).toBe('2024-01-01T10:00:00.000Z'));
});

describe('presentRecord', () => {
  const row = { id: 'r1', account_id: 'a1', created_by: 'u1', name: 'John Doe', email: 'john@example.com', age: 41, active: true };
  it('adds computed fields on view/list (an invalid expression is null) and masks PII for a normal user', () => {
    expect(presentRecord(model(), row, 'list', user)).toEqual({
      ...row,
      name: 'J*** D***',
      email: 'j***@example.com',
      next_age: 42,
      broken: null,
      shout: '****************',
    });
  });
  it('does not compute on create/update', () => expect(presentRecord(model(), row, 'create', user)).not.toHaveProperty('next_age'));
  it('shows PII to pii_access members and superadmins', () => {
    expect(presentRecord(model(), row, 'view', piiReader).name).toBe('John Doe');
    expect(presentRecord(model(), row, 'view', superadmin).email).toBe('john@example.com');
    expect(presentRecord(model(), row, 'view', piiReader).shout).toBe('JOHN@EXAMPLE.COM');
  });
  it('applies the field list of the operation (system fields kept) and the ?fields projection', () => {
    const m = model({ list_fields: '["age","name"]' });
    expect(presentRecord(m, row, 'list', user)).toEqual({ id: 'r1', account_id: 'a1', created_by: 'u1', name: 'J*** D***', age: 41 });
    expect(presentRecord(m, row, 'list', user, ['age'])).toEqual({ id: 'r1', account_id: 'a1', created_by: 'u1', age: 41 });
    expect(presentRecord(m, row, 'list', superadmin)).toHaveProperty('email', 'john@example.com');
  });
});
