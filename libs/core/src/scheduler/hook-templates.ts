/** What `{{…}}` placeholders of a hook's action values can name (spec §10.11). */
export interface TemplateScope {
  readonly record: Readonly<Record<string, unknown>>;
  readonly auth: { readonly user_id: string | null; readonly email: string | null };
  readonly now: string;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\s*\}\}/g;

const text = (value: unknown): string => (value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));

/** The value a placeholder names, or undefined for an unknown one (left as written). */
function lookup(path: string, scope: TemplateScope): unknown {
  if (path === 'now') return scope.now;
  const [head, key] = path.split('.');
  if (head === 'record' && key) return Object.prototype.hasOwnProperty.call(scope.record, key) ? scope.record[key] : null;
  if (head === 'auth' && (key === 'user_id' || key === 'email')) return scope.auth[key];
  return undefined;
}

/**
 * Fills the placeholders of every string inside `value` (objects and arrays walked). A string that
 * is exactly one placeholder takes the value itself (so `{{record.count}}` stays a number);
 * placeholders inside longer text are turned into text; unknown names are left as written.
 */
export function renderTemplates(value: unknown, scope: TemplateScope): unknown {
  if (typeof value === 'string') {
    const whole = /^\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}$/.exec(value);
    if (whole) {
      const found = lookup(whole[1], scope);
      return found === undefined ? value : found;
    }
    return value.replace(PLACEHOLDER, (match, path: string) => {
      const found = lookup(path, scope);
      return found === undefined ? match : text(found);
    });
  }
  if (Array.isArray(value)) return value.map((item) => renderTemplates(item, scope));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderTemplates(v, scope)]));
  return value;
}

/** {@link renderTemplates} for a value that must end up text (URLs, addresses, subjects). */
export const renderText = (value: unknown, scope: TemplateScope): string => text(renderTemplates(value, scope));
