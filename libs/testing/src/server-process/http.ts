import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

/** What a test sees of one HTTP answer. */
export interface HttpResponse {
  readonly status: number;
  /** Lower-cased header names, as node:http gives them. */
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** The body parsed as JSON (throws with the body in the message when it is not JSON). */
  json<T = Record<string, unknown>>(): T;
}

export interface HttpOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  readonly timeoutMs?: number;
}

/**
 * One request without keep-alive, through node:http rather than fetch: the server may answer
 * (413) before it has read a large body, and we still want that answer.
 */
export function http(url: string, options: HttpOptions = {}): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body);
    const headers: Record<string, string> = { ...options.headers };
    if (body) headers['content-length'] = String(body.length);
    let answered = false;
    const req = httpRequest(url, { method: options.method ?? 'GET', headers, agent: false, timeout: options.timeoutMs ?? 15_000 }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text,
          json<T>() {
            try {
              return JSON.parse(text) as T;
            } catch {
              throw new Error(`${options.method ?? 'GET'} ${url} answered ${res.statusCode} with a body that is not JSON: ${text.slice(0, 500)}`);
            }
          },
        });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${options.method ?? 'GET'} ${url} timed out`)));
    // The server may close the socket after answering early (413); keep the answer we got.
    req.on('error', (e) => {
      if (!answered) reject(e);
    });
    if (body) req.end(body);
    else req.end();
  });
}
