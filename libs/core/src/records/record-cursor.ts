import { AppError } from '../errors';
import type { SortKind } from './record-sort';

/** The position a cursor names: the sort value of a record (API form) and its id (spec §4.8). */
export interface CursorKey {
  readonly value: string | number | boolean | null;
  readonly id: string;
}

/** base64url of the compact JSON `{"sort_value":…,"id":"…"}`, with `=` padding as the reference. */
export function encodeCursor(key: CursorKey): string {
  const b64 = Buffer.from(JSON.stringify({ sort_value: key.value, id: key.id })).toString('base64url');
  return b64 + '='.repeat((4 - (b64.length % 4)) % 4);
}

function invalidCursor(param: 'cursor' | 'cursor_before', why: string): AppError {
  const title = param === 'cursor' ? 'Invalid cursor' : 'Invalid cursor_before';
  return new AppError(400, 'invalid_cursor', title, `Invalid cursor format: ${why}`);
}

const FITS: Readonly<Record<SortKind, (v: unknown) => boolean>> = {
  text: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  boolean: (v) => typeof v === 'boolean',
  timestamp: (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)),
};

/**
 * Decodes a cursor for a sort of `kind`; anything malformed, or a value that cannot be a value
 * of the sort field, is a 400 (never a database error).
 */
export function decodeCursor(text: string, param: 'cursor' | 'cursor_before', kind: SortKind): CursorKey {
  if (text.length > 4096 || !/^[A-Za-z0-9_-]+={0,2}$/.test(text)) throw invalidCursor(param, 'not base64url');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text.replace(/=+$/, ''), 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor(param, 'not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidCursor(param, 'expected an object');
  const { sort_value: value, id } = parsed as Record<string, unknown>;
  if (typeof id !== 'string' || id.length === 0 || id.length > 64) throw invalidCursor(param, 'missing id');
  if (value === undefined) throw invalidCursor(param, 'missing sort_value');
  if (value !== null && !FITS[kind](value)) throw invalidCursor(param, 'sort_value does not match the sort field');
  return { value: value as CursorKey['value'], id };
}
