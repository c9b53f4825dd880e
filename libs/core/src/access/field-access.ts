import { AppError } from '../errors';

/** Fields every record has, written only by the server (spec §4.5, §5.7). */
export const SYSTEM_FIELD_NAMES: readonly string[] = Object.freeze([
  'id',
  'account_id',
  'created_at',
  'created_by',
  'updated_at',
  'updated_by',
]);

const SYSTEM_FIELDS: ReadonlySet<string> = new Set(SYSTEM_FIELD_NAMES);

/** A parsed `*_fields` value: every field, or only the named ones (system fields are always readable). */
export type FieldList = '*' | readonly string[];

const MAX_MEMO = 1000;
const memo = new Map<string, FieldList>();

/**
 * Parses a stored `*_fields` text (spec §5.7): `'*'` or a JSON array of field names. Text that is
 * not a JSON array of strings is `'*'`, as the reference does (field lists are a projection, not a
 * security boundary: rules decide which rows a caller reaches). A list naming `'*'` is `'*'`.
 * Memoised by text: the same few lists are parsed on every request.
 */
export function parseFieldList(text: string): FieldList {
  const hit = memo.get(text);
  if (hit !== undefined) return hit;
  const parsed = parseUncached(text);
  if (memo.size >= MAX_MEMO) memo.clear();
  memo.set(text, parsed);
  return parsed;
}

function parseUncached(text: string): FieldList {
  const trimmed = text.trim();
  if (trimmed === '*' || trimmed === '') return '*';
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return '*';
  }
  if (!Array.isArray(value)) return '*';
  const names = value.filter((v): v is string => typeof v === 'string');
  if (names.includes('*')) return '*';
  return Object.freeze([...new Set(names)]);
}

/**
 * Rejects a create/update body that names system fields or fields outside `list` (spec §4.5):
 * 422 `field_access_denied` with the reference's message and `unauthorized_fields`,
 * `field_type` (`system` | `restricted`) and, for restricted ones, `allowed_fields`.
 * The superadmin's `account_id` must be removed by the caller before this check.
 */
export function assertWritableFields(body: Readonly<Record<string, unknown>>, list: FieldList, op: 'create' | 'update'): void {
  const keys = Object.keys(body);
  const system = keys.filter((k) => SYSTEM_FIELDS.has(k));
  if (system.length > 0) {
    throw fieldAccessDenied(`Cannot ${op} system fields via API: ${system.join(', ')}`, { unauthorized_fields: system, field_type: 'system' });
  }
  if (list === '*') return;
  const allowed = new Set(list);
  const restricted = keys.filter((k) => !allowed.has(k));
  if (restricted.length > 0) {
    throw fieldAccessDenied(`Permission denied to ${op} fields: ${restricted.join(', ')}`, {
      unauthorized_fields: restricted,
      allowed_fields: [...list],
      field_type: 'restricted',
    });
  }
}

function fieldAccessDenied(message: string, extras: Readonly<Record<string, unknown>>): AppError {
  return new AppError(422, 'field_access_denied', 'Field access denied', message, undefined, extras);
}

/**
 * The part of `row` a caller may see (spec §5.7): system fields plus the fields of `list`; with
 * `requested` (the `?fields=` projection) only those of them, system fields still kept
 * (`'*'` in `requested` = no projection). Returns a new object; `row` is untouched.
 */
export function projectFields(
  row: Readonly<Record<string, unknown>>,
  list: FieldList,
  requested?: readonly string[],
): Record<string, unknown> {
  const listed = list === '*' ? null : listedSet(list);
  const wanted = requested === undefined || requested.includes('*') ? null : new Set(requested);
  const out: Record<string, unknown> = {};
  // Called per record of a page: no entries array, no Set per call.
  for (const key in row) {
    if (!Object.prototype.hasOwnProperty.call(row, key)) continue;
    const keep = SYSTEM_FIELDS.has(key) || ((listed === null || listed.has(key)) && (wanted === null || wanted.has(key)));
    if (keep) out[key] = row[key];
  }
  return out;
}

// Parsed field lists are memoised and frozen (parseFieldList), so their Sets can be memoised
// too; a list a caller built itself may still change, and gets a Set of its own.
const listedSets = new WeakMap<readonly string[], ReadonlySet<string>>();

function listedSet(list: readonly string[]): ReadonlySet<string> {
  if (!Object.isFrozen(list)) return new Set(list);
  let set = listedSets.get(list);
  if (!set) {
    set = new Set(list);
    listedSets.set(list, set);
  }
  return set;
}

/**
 * Field names a caller may see for an operation: system fields plus `list` (every name of
 * `allFieldNames` for `'*'`). Filters and sorts check against it, so a hidden field cannot be
 * probed through `?filter=secret = 'x'` (a side channel).
 */
export function visibleFieldNames(list: FieldList, allFieldNames: readonly string[]): ReadonlySet<string> {
  return new Set([...SYSTEM_FIELD_NAMES, ...(list === '*' ? allFieldNames : list)]);
}
