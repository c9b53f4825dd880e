import type { CollectionField, MaskType } from '../collections';
import { maskRecord, maskValue, seesPii } from './pii-mask';

describe('maskValue (spec §5.9 examples)', () => {
  it.each<[MaskType | null, unknown, unknown]>([
    ['email', 'john@example.com', 'j***@example.com'],
    ['email', 'notanemail', 'notanemail'],
    ['email', '@example.com', '@example.com'],
    ['ssn', '123-45-6789', '***-**-****'],
    ['ssn', '123456789', '***-**-****'],
    ['ssn', '12345', '*****'],
    ['ssn', '12-345', '**-***'],
    ['phone', '+1-555-123-4567', '+1-***-***-4567'],
    ['phone', '555-123-4567', '***-***-4567'],
    ['phone', '123', '***'],
    ['phone', '+15551234567', '+155-***-***-4567'],
    ['phone', '+44 20 7946 0958', '+44-***-***-0958'],
    ['name', 'John Michael Doe', 'J*** M*** D***'],
    ['name', '  Ann   Lee ', 'A*** L***'],
    ['full', 'sensitive data', '**************'],
    ['custom', 'sensitive data', '**************'],
    [null, 'secret', '******'],
  ])('%s %j → %j', (mask, value, expected) => {
    expect(maskValue(mask, value)).toBe(expected);
  });

  it('keeps null and the empty string for every mask', () => {
    for (const mask of ['email', 'ssn', 'phone', 'name', 'full', 'custom', null] as const) {
      expect(maskValue(mask, null)).toBeNull();
      expect(maskValue(mask, '')).toBe('');
    }
  });

  it('stringifies non-strings first', () => {
    expect(maskValue('ssn', 123456789)).toBe('***-**-****');
    expect(maskValue('full', 12345)).toBe('*****');
    expect(maskValue('full', true)).toBe('****');
    expect(maskValue('phone', 5551234567)).toBe('***-***-4567');
  });
});

function field(name: string, pii: boolean, mask_type: MaskType | null): CollectionField {
  return {
    name,
    type: 'text',
    required: false,
    default: null,
    unique: false,
    options: null,
    collection: null,
    on_delete: null,
    pii,
    mask_type,
    expression: null,
    return_type: null,
  };
}

describe('maskRecord', () => {
  const fields = [field('email', true, 'email'), field('ssn', true, null), field('title', false, null), field('phone', true, 'phone')];

  it('masks every pii field present, leaves others and the input untouched', () => {
    const row = { id: 'r1', email: 'john@example.com', ssn: 'abc', title: 'Hello' };
    const out = maskRecord(fields, row);
    expect(out).toEqual({ id: 'r1', email: 'j***@example.com', ssn: '***', title: 'Hello' });
    expect(out).not.toHaveProperty('phone');
    expect(row.email).toBe('john@example.com');
  });
});

describe('seesPii', () => {
  it('is true for superadmins and pii_access members only', () => {
    expect(seesPii({ auth: null, isSuperadmin: true, groups: [] })).toBe(true);
    expect(seesPii({ auth: null, isSuperadmin: false, groups: ['staff', 'pii_access'] })).toBe(true);
    expect(seesPii({ auth: null, isSuperadmin: false, groups: ['staff'] })).toBe(false);
    expect(seesPii({ auth: null, isSuperadmin: false, groups: ['PII_ACCESS'] })).toBe(false);
  });
});
