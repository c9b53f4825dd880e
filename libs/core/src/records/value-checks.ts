import type { ErrorDetail } from '@snackbase/contract';
import type { CollectionField } from '../collections';

/**
 * Per-type checks of one written value (spec §3.3): each returns the normalised value, or a
 * problem (`code` + `message`) for the field. The value is never `null` or `undefined` here:
 * absent and null values are decided by the caller (required / default rules).
 */
export type ValueCheck = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly code: string; readonly message: string };

const ok = (value: unknown): ValueCheck => ({ ok: true, value });
const bad = (code: string, message: string): ValueCheck => ({ ok: false, code, message });

const EMAIL = /^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$/;
const URL_START = /^https?:\/\/[^\s/?#]+[^\s]*$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// ISO-8601 as clients send it: date, `T` or space, time with optional seconds and fraction, and
// an optional zone (`Z`, `+02:00`, `+0200`); no zone means UTC.
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?\s*(Z|z|[+-]\d{2}:?\d{2})?$/;

const DATETIME_MESSAGE = 'Invalid datetime format. Use ISO 8601 format (e.g., 2024-01-01T12:00:00Z)';
const DATE_MESSAGE = 'Invalid date format. Use YYYY-MM-DD format';
const URL_MESSAGE = 'Invalid URL format. Must start with http:// or https://';
const FILE_KEYS = ['filename', 'size', 'mime_type', 'path'] as const;

/** Whether year/month/day name a real calendar day (JavaScript's Date would roll 02-30 over). */
function isCalendarDay(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** An ISO-8601 string as ISO-8601 UTC with milliseconds and `Z`, or undefined. */
export function normaliseDatetime(text: string): string | undefined {
  const m = DATETIME.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  if (!isCalendarDay(Number(y), Number(mo), Number(d)) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  const ms = frac ? Math.floor(Number(`0${frac}`) * 1000) : 0;
  let offsetMinutes = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const z = zone.replace(':', '');
    const sign = z.startsWith('-') ? -1 : 1;
    const zh = Number(z.slice(1, 3));
    const zm = Number(z.slice(3, 5));
    if (zh > 23 || zm > 59) return undefined;
    offsetMinutes = sign * (zh * 60 + zm);
  }
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms) - offsetMinutes * 60_000;
  const out = new Date(utc);
  return Number.isNaN(out.getTime()) ? undefined : out.toISOString();
}

function checkFile(value: unknown): ValueCheck {
  let meta = value;
  if (typeof meta === 'string') {
    try {
      meta = JSON.parse(meta);
    } catch {
      return bad('invalid_file_metadata', 'File value must be an object or a JSON string of one');
    }
  }
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return bad('invalid_file_metadata', 'File value must be an object with filename, size, mime_type and path');
  const obj = meta as Record<string, unknown>;
  const missing = FILE_KEYS.filter((k) => obj[k] === undefined || obj[k] === null);
  if (missing.length) return bad('missing_file_metadata', `File metadata is missing: ${missing.join(', ')}`);
  const { filename, size, mime_type, path } = obj;
  if (typeof filename !== 'string' || typeof mime_type !== 'string' || typeof path !== 'string' || typeof size !== 'number' || !Number.isInteger(size) || size < 0) {
    return bad('invalid_file_metadata', 'File metadata needs filename, mime_type and path as strings and size as a non-negative integer');
  }
  return ok({ filename, size, mime_type, path });
}

function checkJson(value: unknown): ValueCheck {
  try {
    // A value that does not survive JSON (a BigInt, a cycle) cannot be stored.
    return JSON.stringify(value) === undefined ? bad('invalid_json', 'Value is not valid JSON') : ok(value);
  } catch {
    return bad('invalid_json', 'Value is not valid JSON');
  }
}

/** The normalised `value` of `field` (never null/undefined here), or the problem with it. */
export function checkValue(field: CollectionField, value: unknown): ValueCheck {
  switch (field.type) {
    case 'text':
      return typeof value === 'string' ? ok(value) : bad('invalid_type', 'Expected a string');
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? ok(value) : bad('invalid_type', 'Expected a number');
    case 'boolean':
      return typeof value === 'boolean' ? ok(value) : bad('invalid_type', 'Expected a boolean (true or false)');
    case 'datetime': {
      if (typeof value !== 'string') return bad('invalid_type', 'Expected a datetime string');
      const iso = normaliseDatetime(value);
      return iso ? ok(iso) : bad('invalid_datetime_format', DATETIME_MESSAGE);
    }
    case 'date': {
      if (typeof value !== 'string') return bad('invalid_type', 'Expected a date string');
      const m = DATE.exec(value);
      return m && isCalendarDay(Number(m[1]), Number(m[2]), Number(m[3])) ? ok(value) : bad('invalid_date_format', DATE_MESSAGE);
    }
    case 'email':
      if (typeof value !== 'string') return bad('invalid_type', 'Expected an email string');
      return EMAIL.test(value) && value.length <= 255 ? ok(value) : bad('invalid_email_format', 'Invalid email format');
    case 'url':
      if (typeof value !== 'string') return bad('invalid_type', 'Expected a URL string');
      return URL_START.test(value) && value.length <= 500 ? ok(value) : bad('invalid_url_format', URL_MESSAGE);
    case 'json':
      return checkJson(value);
    case 'reference':
      if (typeof value !== 'string') return bad('invalid_type', 'Expected a record id string');
      return value.trim() === '' ? bad('empty_reference', 'Reference cannot be empty') : ok(value);
    case 'file':
      return checkFile(value);
    default:
      return bad('unknown_type', `Unknown field type '${String(field.type)}'`);
  }
}

/** One detail entry of a `validation_failed` error. */
export function problem(field: string, code: string, message: string): ErrorDetail {
  return { field, code, message };
}
