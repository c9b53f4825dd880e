/** How one `SNACKBASE_*` variable is parsed. */
export type SettingKind =
  | { readonly type: 'string'; readonly pattern?: RegExp; readonly hint?: string }
  | { readonly type: 'int'; readonly min: number; readonly max: number }
  | { readonly type: 'number'; readonly min: number; readonly max: number }
  | { readonly type: 'bool' }
  | { readonly type: 'enum'; readonly values: readonly string[] }
  | { readonly type: 'list' }
  | { readonly type: 'url' };

/** One documented setting: its variable, type, default and whether its value is secret. */
export interface Setting {
  readonly env: string;
  readonly kind: SettingKind;
  readonly default?: string;
  readonly secret?: boolean;
  readonly description: string;
}

/** A wrong setting; its message is the one line the process prints before it exits. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

function fail(setting: Setting, expected: string, raw: string): never {
  const shown = setting.secret ? '(hidden)' : JSON.stringify(raw.length > 80 ? raw.slice(0, 80) + '…' : raw);
  throw new ConfigError(`Invalid ${setting.env}: expected ${expected}, got ${shown}`);
}

/** Lists accept a JSON array or a comma-separated string (spec §10.15). */
function parseList(setting: Setting, raw: string): string[] {
  const text = raw.trim();
  if (text.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return fail(setting, 'a JSON array of strings or a comma-separated list', raw);
    }
    if (!Array.isArray(parsed) || !parsed.every((v) => typeof v === 'string')) fail(setting, 'a JSON array of strings', raw);
    return (parsed as string[]).map((s) => s.trim()).filter(Boolean);
  }
  return text.split(',').map((s) => s.trim()).filter(Boolean);
}

/** Parses `raw` as the setting says, or throws {@link ConfigError} naming the variable. */
export function parseSetting(setting: Setting, raw: string): unknown {
  const k = setting.kind;
  switch (k.type) {
    case 'string':
      if (k.pattern && !k.pattern.test(raw)) fail(setting, k.hint ?? `a value matching ${k.pattern}`, raw);
      return raw;
    case 'int':
    case 'number': {
      const n = Number(raw.trim());
      if (raw.trim() === '' || !Number.isFinite(n) || (k.type === 'int' && !Number.isInteger(n)) || n < k.min || n > k.max) {
        fail(setting, `${k.type === 'int' ? 'an integer' : 'a number'} between ${k.min} and ${k.max}`, raw);
      }
      return n;
    }
    case 'bool': {
      const v = raw.trim().toLowerCase();
      if (TRUE.has(v)) return true;
      if (FALSE.has(v)) return false;
      return fail(setting, 'true or false', raw);
    }
    case 'enum': {
      const v = raw.trim().toLowerCase();
      if (!k.values.includes(v)) fail(setting, `one of ${k.values.join(', ')}`, raw);
      return v;
    }
    case 'list':
      return parseList(setting, raw);
    case 'url':
      try {
        const u = new URL(raw.trim());
        if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
        return raw.trim().replace(/\/+$/, '');
      } catch {
        return fail(setting, 'an http(s) URL', raw);
      }
  }
}
