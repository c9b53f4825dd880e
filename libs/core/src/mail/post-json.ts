import { MailSendError, scrubSecrets } from './mail-send-error';

/** One JSON POST to a mail provider's HTTP API. */
export interface PostJsonRequest {
  /** Transport name, for errors. */
  readonly provider: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The exact body text (already serialised: SES signs these bytes). */
  readonly body: string;
  /** Values that must never appear in an error message. */
  readonly secrets: readonly (string | undefined)[];
  readonly timeoutMs?: number;
}

function providerMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown; Message?: unknown; error?: unknown };
    const m = body.message ?? body.Message ?? body.error;
    if (typeof m === 'string') return m;
  } catch {
    // not JSON: show the start of the text
  }
  return text.slice(0, 200);
}

/**
 * POSTs `body` with Node's fetch and returns the parsed JSON answer. A network error, timeout
 * or non-2xx answer becomes a {@link MailSendError} whose message has the secrets scrubbed.
 */
export async function postJson(req: PostJsonRequest): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetch(req.url, { method: 'POST', headers: req.headers, body: req.body, signal: AbortSignal.timeout(req.timeoutMs ?? 10_000) });
  } catch (e) {
    const cause = (e as { cause?: { message?: string } }).cause?.message;
    throw new MailSendError(req.provider, scrubSecrets(`${req.provider} could not be reached at ${new URL(req.url).host}: ${cause ?? (e as Error).message}`, req.secrets));
  }
  const text = await res.text();
  if (!res.ok) {
    throw new MailSendError(req.provider, scrubSecrets(`${req.provider} answered ${res.status}: ${providerMessage(text)}`, req.secrets), res.status);
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}
