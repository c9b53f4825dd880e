import { normalizeStoredField, type CollectionField } from '../collections';
import { AppError } from '../errors';
import { checkRecordValues, validateRecordValues } from './record-values';
import { normaliseDatetime } from './value-checks';

const f = (raw: Partial<CollectionField> & { name: string; type: CollectionField['type'] }): CollectionField => normalizeStoredField(raw);
const model = {
  fields: [
    f({ name: 'title', type: 'text', required: true }),
    f({ name: 'status', type: 'text', default: 'draft' }),
    f({ name: 'views', type: 'number' }),
    f({ name: 'published', type: 'boolean' }),
    f({ name: 'at', type: 'datetime' }),
    f({ name: 'day', type: 'date' }),
    f({ name: 'mail', type: 'email' }),
    f({ name: 'site', type: 'url' }),
    f({ name: 'meta', type: 'json' }),
    f({ name: 'author', type: 'reference', collection: 'users_x', on_delete: 'set_null' }),
    f({ name: 'doc', type: 'file' }),
    f({ name: 'shout', type: 'computed', expression: 'upper(title)', return_type: 'text' }),
  ],
};
const file = { filename: 'a.pdf', size: 10, mime_type: 'application/pdf', path: 'acc/a.pdf' };
const codes = (body: Record<string, unknown>, mode: 'create' | 'replace' | 'patch' = 'create') =>
  Object.fromEntries(checkRecordValues(model, body, mode).details.map((d) => [d.field, d.code]));

describe('validateRecordValues', () => {
  it('normalises a valid create body, fills defaults and drops computed fields', () => {
    const values = validateRecordValues(
      model,
      { title: 'Hi', views: 3, published: false, at: '2024-01-01T12:00:00+02:00', day: '2024-02-29', mail: 'a@b.io', site: 'https://x.io/p', meta: { a: [1] }, author: 'u1', doc: JSON.stringify(file), shout: 'ignored' },
      'create',
    );
    expect(values).toEqual({ title: 'Hi', status: 'draft', views: 3, published: false, at: '2024-01-01T10:00:00.000Z', day: '2024-02-29', mail: 'a@b.io', site: 'https://x.io/p', meta: { a: [1] }, author: 'u1', doc: file });
  });

  it('reports every problem with its code, as a 400 validation_failed', () => {
    const body = { views: '3', published: 1, at: 'yesterday', day: '2024-02-30', mail: 'nope', site: 'ftp://x', author: '', doc: { filename: 'a' }, bogus: 1 };
    expect(codes(body)).toEqual({
      title: 'required_missing',
      views: 'invalid_type',
      published: 'invalid_type',
      at: 'invalid_datetime_format',
      day: 'invalid_date_format',
      mail: 'invalid_email_format',
      site: 'invalid_url_format',
      author: 'empty_reference',
      doc: 'missing_file_metadata',
      bogus: 'unknown_field',
    });
    let error: unknown;
    try {
      validateRecordValues(model, body, 'create');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ status: 400, code: 'validation_failed', title: 'Validation error', message: 'Record validation failed' });
    expect((error as AppError).details).toContainEqual({ field: 'at', code: 'invalid_datetime_format', message: 'Invalid datetime format. Use ISO 8601 format (e.g., 2024-01-01T12:00:00Z)' });
  });

  it('refuses null on a required field, wrong file metadata types and system fields', () => {
    expect(codes({ title: null, doc: { ...file, size: '10' }, id: 'x', created_by: 'me' })).toEqual({
      title: 'required_null',
      doc: 'invalid_file_metadata',
      id: 'unknown_field',
      created_by: 'unknown_field',
    });
    expect(codes({ title: 'x', doc: '{not json' })).toEqual({ doc: 'invalid_file_metadata' });
    expect(codes({ title: 'x', meta: 10n })).toEqual({ meta: 'invalid_json' });
  });

  it('PUT needs required fields and re-applies defaults; PATCH checks only present fields', () => {
    expect(codes({ views: 1 }, 'replace')).toEqual({ title: 'required_missing' });
    expect(validateRecordValues(model, { title: 'T' }, 'replace')).toEqual({ title: 'T', status: 'draft' });
    expect(validateRecordValues(model, { views: 2 }, 'patch')).toEqual({ views: 2 });
    expect(validateRecordValues(model, { views: null, author: null }, 'patch')).toEqual({ views: null, author: null });
    expect(codes({ title: null }, 'patch')).toEqual({ title: 'required_null' });
  });

  it('normalises ISO-8601 datetimes to UTC and refuses impossible ones', () => {
    expect(normaliseDatetime('2024-01-01T12:00:00Z')).toBe('2024-01-01T12:00:00.000Z');
    expect(normaliseDatetime('2024-01-01 12:00')).toBe('2024-01-01T12:00:00.000Z');
    expect(normaliseDatetime('2024-01-01T00:30:00.5-01:30')).toBe('2024-01-01T02:00:00.500Z');
    expect(normaliseDatetime('2024-01-01')).toBe('2024-01-01T00:00:00.000Z');
    for (const badValue of ['2024-13-01T00:00:00Z', '2024-01-01T24:00:00Z', '01/02/2024', '2024-01-01T12:00:00+25:00', '']) {
      expect(normaliseDatetime(badValue)).toBeUndefined();
    }
  });
});
