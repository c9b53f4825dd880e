/** Keys whose values may carry a one-time token: `*_url`, `*token`. */
const SENSITIVE_KEY = /(_url|token)$/i;
/** A link with a token in its query, whatever key it was passed under. */
const TOKEN_IN_LINK = /[?&][^=&]*token=/i;

/**
 * The variables as `email_logs` stores them: every value under a key ending in `_url` or
 * `token` becomes `"[redacted]"`, so the log never holds a usable link or token. A string with a
 * `token=` query parameter is redacted under any key.
 */
export function redactMailVariables(variables: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(variables)) out[key] = SENSITIVE_KEY.test(key) || (typeof value === 'string' && TOKEN_IN_LINK.test(value)) ? '[redacted]' : value;
  return out;
}
