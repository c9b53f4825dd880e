import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { addressProblem, isIpLiteral, parseCidrList } from './address-policy';
import { OutboundBlockedError, OutboundRequestError } from './outbound-errors';
import { checkedLookup, systemResolve, type ResolveHost } from './safe-lookup';

/** Options of {@link safeRequest}. */
export interface SafeRequestOptions {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /** Whole request (connect, send, receive); default 10 000. */
  readonly timeoutMs?: number;
  /** Larger responses are refused (`response_too_large`); default 1 MiB. */
  readonly maxResponseBytes?: number;
  /** CIDRs that may be contacted although private (development/tests only). */
  readonly allowPrivate?: readonly string[];
  /** Host name resolver; the system's by default (tests inject one). */
  readonly resolve?: ResolveHost;
}

/** A response as received; redirects are returned, never followed. */
export interface SafeResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly durationMs: number;
}

/** The URL, or why it may never be requested (scheme, credentials, literal address). */
function checkedUrl(raw: string, allow: ReturnType<typeof parseCidrList>): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundBlockedError('invalid_url', 'Invalid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OutboundBlockedError('scheme_not_allowed', `Scheme ${url.protocol} is not allowed (http or https only)`);
  if (url.username || url.password) throw new OutboundBlockedError('credentials_in_url', 'URLs with credentials are not allowed');
  // WHATWG parsing already turned 2130706433, 0x7f000001 and 0177.0.0.1 into 127.0.0.1.
  if (isIpLiteral(url.hostname)) {
    const problem = addressProblem(url.hostname, allow);
    if (problem) throw new OutboundBlockedError('address_not_allowed', `Refused to connect to ${url.hostname}: ${problem}`, url.hostname);
  }
  return url;
}

/**
 * An HTTP(S) request that cannot be pointed at internal services (spec §12.6 item 48): only
 * http/https, no credentials in the URL, every resolved address must be public unicast (or in
 * `allowPrivate`) and the socket connects to exactly the checked address; redirects are not
 * followed; the response is capped. Policy refusals throw {@link OutboundBlockedError} before any
 * byte is sent; timeouts and network failures throw {@link OutboundRequestError}.
 * @example
 * const res = await safeRequest('https://hooks.example.com/in', { method: 'POST', body, headers: { 'content-type': 'application/json' }, timeoutMs: 5000 });
 */
export async function safeRequest(rawUrl: string, options: SafeRequestOptions = {}): Promise<SafeResponse> {
  const allow = parseCidrList(options.allowPrivate ?? []);
  const url = checkedUrl(rawUrl, allow);
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxBytes = options.maxResponseBytes ?? 1024 * 1024;
  const client = url.protocol === 'https:' ? https : http;
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
  return new Promise<SafeResponse>((resolve, reject) => {
    const req = client.request(url, {
      method: options.method ?? 'GET',
      headers,
      // A fresh socket per request: a pooled one could have been opened under another check.
      agent: false,
      lookup: checkedLookup(allow, options.resolve ?? systemResolve) as never,
    });
    let settled = false;
    const fail = (e: Error): void => {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      if (e instanceof OutboundBlockedError || e instanceof OutboundRequestError) return reject(e);
      reject(new OutboundRequestError('network', e.message, { cause: e }));
    };
    const timer = setTimeout(() => {
      fail(new OutboundRequestError('timeout', `No complete response within ${timeoutMs} ms`));
      req.destroy();
    }, timeoutMs);
    timer.unref();
    req.on('error', fail);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          fail(new OutboundBlockedError('response_too_large', `Response larger than ${maxBytes} bytes`));
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', fail);
      res.on('aborted', () => fail(new OutboundRequestError('network', 'Response aborted')));
      res.on('end', () => {
        clearTimeout(timer);
        if (settled) return;
        settled = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), durationMs: Date.now() - started });
      });
    });
    req.end(options.body);
  });
}
