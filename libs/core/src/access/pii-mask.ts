import type { CollectionField, MaskType } from '../collections';
import type { RuleCaller } from './rule-gate';

/** The group whose members read PII unmasked (created with every account, spec §5.9). */
export const PII_ACCESS_GROUP = 'pii_access';

/**
 * Masks one PII value exactly as spec §5.9: `null`/`undefined` stay as they are, anything else is
 * stringified first, the empty string stays empty, a missing mask type is `full`.
 */
export function maskValue(maskType: MaskType | null, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  const text = stringify(value);
  if (text === '') return '';
  switch (maskType ?? 'full') {
    case 'email':
      return maskEmail(text);
    case 'ssn':
      return maskSsn(text);
    case 'phone':
      return maskPhone(text);
    case 'name':
      return maskName(text);
    default:
      // `full`, `custom` (identical in the reference) and any unknown stored type: hide everything.
      return maskAll(text);
  }
}

/** Masks every `pii: true` field of `fields` present in `row`; returns a new object. */
export function maskRecord(fields: readonly CollectionField[], row: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return maskFieldsInPlace(fields, { ...row });
}

/** {@link maskRecord} on `row` itself, for a record the caller has just built (no copy per record). */
export function maskFieldsInPlace(fields: readonly CollectionField[], row: Record<string, unknown>): Record<string, unknown> {
  for (const field of fields) {
    if (field.pii && Object.prototype.hasOwnProperty.call(row, field.name)) {
      row[field.name] = maskValue(field.mask_type, row[field.name]);
    }
  }
  return row;
}

/** Superadmins and members of the account's `pii_access` group see PII unmasked (§12.2 item 17). */
export function seesPii(caller: RuleCaller): boolean {
  return caller.isSuperadmin || caller.groups.includes(PII_ACCESS_GROUP);
}

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Characters by code point, so a masked emoji is one `*`. */
function chars(text: string): string[] {
  return Array.from(text);
}

function maskAll(text: string): string {
  return '*'.repeat(chars(text).length);
}

function maskEmail(text: string): string {
  const at = text.indexOf('@');
  if (at <= 0) return text;
  return `${chars(text.slice(0, at))[0]}***@${text.slice(at + 1)}`;
}

function maskSsn(text: string): string {
  const digits = text.replace(/\D/g, '');
  if (digits.length === 9) return '***-**-****';
  return text.replace(/\d/g, '*');
}

function maskPhone(text: string): string {
  const digits = text.replace(/\D/g, '');
  if (digits.length < 4) return text.replace(/\d/g, '*');
  const last4 = digits.slice(-4);
  // The country code greedily takes up to 3 digits, as the reference (`+15551234567` → `+155-…`).
  const country = /^\+(\d{1,3})/.exec(text);
  if (country) return `+${country[1]}-***-***-${last4}`;
  return `***-***-${last4}`;
}

function maskName(text: string): string {
  return text
    .split(/\s+/)
    .filter((word) => word !== '')
    .map((word) => `${chars(word)[0]}***`)
    .join(' ');
}
