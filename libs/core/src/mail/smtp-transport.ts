import { createTransport } from 'nodemailer';
import { MailSendError, scrubSecrets } from './mail-send-error';
import type { MailTransport } from './mail-transport';

/** Where and how to reach the SMTP server. */
export interface SmtpOptions {
  readonly host: string;
  readonly port: number;
  readonly user?: string;
  readonly password?: string;
  /** `tls`: TLS from the first byte; `starttls`: the upgrade is required; `none`: plain text. */
  readonly secure: 'tls' | 'starttls' | 'none';
  readonly from: string;
  /** Connection, greeting and socket timeout; default 10 s. */
  readonly timeoutMs?: number;
}

/**
 * Sends through an SMTP server with nodemailer (one connection per mail, no pool: mails are
 * rare and a broken pooled connection would fail the next one).
 * @example createSmtpTransport({ host: 'smtp.example.com', port: 587, secure: 'starttls', from: 'App <no-reply@example.com>' })
 */
export function createSmtpTransport(options: SmtpOptions): MailTransport {
  const timeout = options.timeoutMs ?? 10_000;
  const transporter = createTransport({
    host: options.host,
    port: options.port,
    secure: options.secure === 'tls',
    requireTLS: options.secure === 'starttls',
    ignoreTLS: options.secure === 'none',
    auth: options.user ? { user: options.user, pass: options.password ?? '' } : undefined,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return {
    name: 'smtp',
    async send(message) {
      try {
        const info = await transporter.sendMail({
          from: message.from ?? options.from,
          to: message.to,
          replyTo: message.replyTo,
          subject: message.subject,
          html: message.html,
          text: message.text,
        });
        return { messageId: String(info.messageId ?? '') };
      } catch (e) {
        const err = e as { message?: string; responseCode?: number };
        const text = scrubSecrets(`SMTP delivery failed: ${err.message ?? String(e)}`, [options.password, options.user && options.password ? Buffer.from(`\u0000${options.user}\u0000${options.password}`).toString('base64') : undefined]);
        throw new MailSendError('smtp', text, err.responseCode);
      }
    },
  };
}
