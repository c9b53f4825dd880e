/**
 * An absolute link below `base` (the app URL, which may carry a path prefix) with
 * URL-encoded query parameters. Never takes a host from a request.
 * @example joinLink('https://app.example.com/', '/verify-email', { token: 'a b' }) // 'https://app.example.com/verify-email?token=a%20b'
 */
export function joinLink(base: string, path: string, params: Readonly<Record<string, string>> = {}): string {
  const query = Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}${query ? `?${query}` : ''}`;
}
