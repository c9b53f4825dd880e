import { fromDbBool, type SqlDialect } from '@snackbase/db';
import { maskFieldsInPlace, maskValue, parseFieldList, projectFields, seesPii, type RuleCaller } from '../access';
import { fieldListOf, type CollectionField, type CollectionModel, type FieldListOperation } from '../collections';
import { piiComputedFields, withComputedFields } from './computed-fields';

/** System columns holding timestamps (ISO-8601 UTC with `Z` on the wire, spec §4.9). */
const SYSTEM_TIMESTAMPS: ReadonlySet<string> = new Set(['created_at', 'updated_at']);

// `2024-01-01T12:00:00`, `2024-01-01 12:00:00.123456+00:00`, `2024-01-01T12:00Z`, …
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * A timestamp in the one wire format, `2024-01-01T12:00:00.000Z`: Dates and the string forms
 * either dialect hands back (a zone-less value is UTC, never the server's local time). A value
 * that is not a timestamp at all is returned unchanged (it was stored that way; hiding it would
 * lose data).
 */
export function toIsoTimestamp(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value !== 'string') return value;
  const m = TIMESTAMP.exec(value.trim());
  if (!m) return value;
  const zone = m[3] === undefined ? 'Z' : m[3].toUpperCase() === 'Z' ? 'Z' : normalizeZone(m[3]);
  const date = new Date(`${m[1]}T${m[2]}${zone}`);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

/** The one form we store (`toISOString()`), recognised without building a Date. */
const CANONICAL_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * {@link toIsoTimestamp} for a value read back from a column: what we wrote is already
 * canonical, so the common case is one regular-expression test instead of a Date round trip
 * (it was the hottest function of a record list after the SQL itself).
 */
function storedTimestamp(value: unknown): unknown {
  return typeof value === 'string' && CANONICAL_UTC.test(value) ? value : toIsoTimestamp(value);
}

function normalizeZone(zone: string): string {
  const digits = zone.slice(1).replace(':', '');
  return `${zone[0]}${digits.slice(0, 2)}:${digits.length > 2 ? digits.slice(2) : '00'}`;
}

function parseJsonText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    // Not JSON text (a row written before validation existed): hand it back as stored.
    return value;
  }
}

function fromStoredValue(field: CollectionField, value: unknown, dialect: SqlDialect): unknown {
  if (value === null || value === undefined) return null;
  switch (field.type) {
    case 'boolean':
      return fromDbBool(value);
    case 'json':
    case 'file':
      // SQLite keeps JSON as text; PostgreSQL's jsonb arrives parsed. File fields are objects
      // on the wire (spec §12.3 item 34: the reference returned JSON strings). A string from
      // PostgreSQL is a JSON string value, never text to parse again.
      return dialect === 'postgres' ? value : parseJsonText(value);
    case 'datetime':
      return storedTimestamp(value);
    case 'number': {
      if (typeof value === 'number') return value;
      const n = Number(value);
      return Number.isFinite(n) ? n : value;
    }
    default:
      return value;
  }
}

const fieldMaps = new WeakMap<CollectionModel, ReadonlyMap<string, CollectionField>>();

/** The model's fields by name (memoised per immutable model). */
export function fieldMapOf(model: CollectionModel): ReadonlyMap<string, CollectionField> {
  let map = fieldMaps.get(model);
  if (!map) {
    map = new Map(model.fields.map((f) => [f.name, f]));
    fieldMaps.set(model, map);
  }
  return map;
}

/**
 * DB row → API values: booleans from 0/1, json/file parsed (file fields as objects), timestamps
 * ISO-8601 UTC with Z on both dialects, numbers as numbers. Columns the model does not know
 * (`account_name` of a join) pass through unchanged, except `omit`. Pass `dialect` (`db.dialect`):
 * without it a JSON string value that is itself JSON text (`"123"`) would be parsed twice on
 * PostgreSQL.
 */
export function fromStoredRow(model: CollectionModel, row: Readonly<Record<string, unknown>>, dialect: SqlDialect, omit?: string): Record<string, unknown> {
  const fields = fieldMapOf(model);
  const out: Record<string, unknown> = {};
  for (const key in row) {
    if (key === omit || !Object.prototype.hasOwnProperty.call(row, key)) continue;
    const value = row[key];
    const field = fields.get(key);
    if (field) out[key] = fromStoredValue(field, value, dialect);
    else if (SYSTEM_TIMESTAMPS.has(key)) out[key] = storedTimestamp(value);
    else out[key] = value;
  }
  return out;
}

/**
 * API value (already validated) → what the column stores on `dialect`: json/file as JSON text
 * (also on PostgreSQL, where the driver would turn a JS array into a PG array literal), boolean
 * as 1/0 on SQLite, datetimes as ISO-8601 UTC (so text comparison on SQLite orders them in time).
 */
export function toStoredValue(dialect: SqlDialect, field: CollectionField, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (field.type) {
    case 'boolean': {
      const b = value === true || value === 1 || value === '1' || value === 'true';
      return dialect === 'sqlite' ? (b ? 1 : 0) : b;
    }
    case 'json':
      return JSON.stringify(value);
    case 'file':
      // A file value may arrive as the JSON text of its metadata object (spec §3.3).
      return typeof value === 'string' ? value : JSON.stringify(value);
    case 'datetime':
      return toIsoTimestamp(value);
    case 'number':
      return typeof value === 'number' ? value : Number(value);
    default:
      return value;
  }
}

/**
 * What the caller receives for `op`, from a row already in API values ({@link fromStoredRow}):
 * computed fields added (view/list), the field list of `op` (superadmins: every field) narrowed
 * by `requested` (`?fields=`), system fields always kept, PII masked unless `seesPii(caller)`
 * (computed fields that read a PII field included).
 */
export function presentRecord(
  model: CollectionModel,
  row: Readonly<Record<string, unknown>>,
  op: FieldListOperation,
  caller: RuleCaller,
  requested?: readonly string[],
): Record<string, unknown> {
  const full = op === 'view' || op === 'list' ? withComputedFields(model, row) : row;
  const list = caller.isSuperadmin ? '*' : parseFieldList(fieldListOf(model.rules, op));
  // A new object: masked in place below, and the caller may add to it.
  const projected = projectFields(full, list, requested);
  if (seesPii(caller)) return projected;
  maskFieldsInPlace(model.fields, projected);
  // A computed field over a PII field (`upper(email)`) would reveal it: mask it whole.
  for (const name of piiComputedFields(model)) if (name in projected) projected[name] = maskValue('full', projected[name]);
  return projected;
}
