import { MailSendError } from './mail-send-error';
import type { MailTransport } from './mail-transport';
import { postJson } from './post-json';

/** Resend API key and sender. */
export interface ResendOptions {
  readonly apiKey: string;
  readonly from: string;
  /** Default `https://api.resend.com`. */
  readonly endpoint?: string;
  readonly timeoutMs?: number;
}

/**
 * Sends with Resend's HTTP API (`POST /emails`, Bearer API key).
 * @example createResendTransport({ apiKey: 're_…', from: 'App <no-reply@example.com>' })
 */
export function createResendTransport(options: ResendOptions): MailTransport {
  const url = `${(options.endpoint ?? 'https://api.resend.com').replace(/\/+$/, '')}/emails`;
  return {
    name: 'resend',
    async send(message) {
      const body = JSON.stringify({
        from: message.from ?? options.from,
        to: [message.to],
        subject: message.subject,
        html: message.html,
        text: message.text,
        ...(message.replyTo ? { reply_to: message.replyTo } : {}),
      });
      const headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${options.apiKey}` };
      const answer = await postJson({ provider: 'resend', url, headers, body, secrets: [options.apiKey], timeoutMs: options.timeoutMs });
      if (typeof answer['id'] !== 'string') throw new MailSendError('resend', 'resend answered without a message id');
      return { messageId: answer['id'] };
    },
  };
}
