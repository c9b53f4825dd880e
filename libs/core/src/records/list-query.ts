import { AppError, invalidRequest } from '../errors';

/** Query parameters of `GET /records/{c}` (spec §4.3), checked and typed. */
export interface ListQuery {
  readonly skip: number;
  readonly limit: number;
  readonly sort: string | undefined;
  readonly fields: readonly string[] | undefined;
  readonly filter: string | undefined;
  readonly expand: readonly string[] | undefined;
  /** Cursor mode when either is set (`''` = the first, resp. last, page). */
  readonly cursor: string | undefined;
  readonly cursorBefore: string | undefined;
  readonly includeCount: boolean;
  readonly skipTotal: boolean;
}

export const DEFAULT_LIMIT = 30;
export const MAX_LIMIT = 100;

const LIST_PARAMS: ReadonlySet<string> = new Set([
  'skip',
  'limit',
  'sort',
  'fields',
  'filter',
  'expand',
  'cursor',
  'cursor_before',
  'include_count',
  'skip_total',
]);

/** The raw query of a request: express gives strings (or arrays for repeated names). */
export type RawQuery = Readonly<Record<string, unknown>>;

/**
 * Rejects parameters the endpoint does not know with the reference's 400 (old `?status=x`
 * filters must not silently return everything). Names starting with `_` are ignored, so
 * clients can bust caches (`?_=123`; spec §12.3 item 33).
 */
export function assertKnownParams(query: RawQuery, allowed: ReadonlySet<string>): void {
  for (const name of Object.keys(query)) {
    if (allowed.has(name) || name.startsWith('_')) continue;
    throw new AppError(
      400,
      'unsupported_query_parameter',
      'Unsupported query parameter',
      `Direct query parameter filtering (e.g., ?status=active) is no longer supported. Use the 'filter' parameter instead: ?filter=status = "active"`,
      [{ field: `query.${name.slice(0, 64)}`, message: 'Unknown query parameter', code: 'unsupported_query_parameter' }],
    );
  }
}

/** One string parameter; a repeated one is a 422 (which value was meant is unclear). */
export function stringParam(query: RawQuery, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidRequest([{ field: `query.${name}`, message: 'must be given once', code: 'type' }]);
  return value;
}

/** An integer parameter within bounds, else 422 (spec §4.3: `limit` 1..100). */
export function intParam(query: RawQuery, name: string, fallback: number, min: number, max: number): number {
  const text = stringParam(query, name);
  if (text === undefined || text.trim() === '') return fallback;
  const n = Number(text);
  if (!/^\s*-?\d+\s*$/.test(text) || n < min || n > max) {
    throw invalidRequest([{ field: `query.${name}`, message: `must be an integer from ${min} to ${max}`, code: 'range' }]);
  }
  return n;
}

export function boolParam(query: RawQuery, name: string): boolean {
  const text = stringParam(query, name)?.trim().toLowerCase();
  if (text === undefined || text === '' || text === 'false' || text === '0') return false;
  if (text === 'true' || text === '1') return true;
  throw invalidRequest([{ field: `query.${name}`, message: 'must be true or false', code: 'type' }]);
}

/** A comma list (`a,b`), trimmed, empty entries dropped; undefined when absent or empty. */
export function listParam(query: RawQuery, name: string): string[] | undefined {
  const text = stringParam(query, name);
  if (text === undefined) return undefined;
  const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return items.length > 0 ? items : undefined;
}

/** A free-text parameter; blank = absent. */
export function textParam(query: RawQuery, name: string): string | undefined {
  const text = stringParam(query, name);
  return text === undefined || text.trim() === '' ? undefined : text;
}

/** Checks and types the list parameters. */
export function parseListQuery(query: RawQuery): ListQuery {
  assertKnownParams(query, LIST_PARAMS);
  return {
    skip: intParam(query, 'skip', 0, 0, Number.MAX_SAFE_INTEGER),
    limit: intParam(query, 'limit', DEFAULT_LIMIT, 1, MAX_LIMIT),
    sort: textParam(query, 'sort'),
    fields: listParam(query, 'fields'),
    filter: textParam(query, 'filter'),
    expand: listParam(query, 'expand'),
    cursor: stringParam(query, 'cursor'),
    cursorBefore: stringParam(query, 'cursor_before'),
    includeCount: boolParam(query, 'include_count'),
    skipTotal: boolParam(query, 'skip_total'),
  };
}

/** `GET /records/{c}/{id}` takes `fields` and `expand` only. */
export function parseViewQuery(query: RawQuery): Pick<ListQuery, 'fields' | 'expand'> {
  assertKnownParams(query, new Set(['fields', 'expand']));
  return { fields: listParam(query, 'fields'), expand: listParam(query, 'expand') };
}
