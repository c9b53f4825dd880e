/** Values substituted into a template; `null`/`undefined` render as an empty string. */
export type TemplateVariables = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** A `{{ name }}` placeholder (the only syntax there is). */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
/** Anything that looks like template syntax, to find what the simple form does not cover. */
const ANY_TAG = /\{\{([\s\S]*?)\}\}|\{%([\s\S]*?)%\}/g;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `text` safe to place in HTML content or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * Replaces each `{{ name }}` in one pass (a value that itself contains `{{ … }}` is never
 * expanded again). With `html`, values are HTML-escaped; the template text is trusted as-is.
 * No expressions, filters or code: a placeholder is a name or it stays literal.
 * @example renderTemplateText('Hi {{ name }}', { name: '<b>' }, { html: true }) // 'Hi &lt;b&gt;'
 */
export function renderTemplateText(template: string, variables: TemplateVariables, options: { html: boolean }): string {
  return template.replace(PLACEHOLDER, (_, name: string) => {
    const raw = Object.prototype.hasOwnProperty.call(variables, name) ? variables[name] : undefined;
    const value = raw === null || raw === undefined ? '' : String(raw);
    return options.html ? escapeHtml(value) : value;
  });
}

/**
 * The template tags of `template` that are not an allowed `{{ name }}`: unknown names and any
 * other syntax (`{{ a.b }}`, `{{ x | upper }}`, `{% if %}`), each once, in order of appearance.
 */
export function unknownPlaceholders(template: string, allowed: readonly string[]): string[] {
  const out = new Set<string>();
  for (const match of template.matchAll(ANY_TAG)) {
    const inner = (match[1] ?? match[2] ?? '').trim();
    const isName = match[1] !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(inner);
    if (!isName || !allowed.includes(inner)) out.add(isName ? inner : match[0]);
  }
  return [...out];
}
