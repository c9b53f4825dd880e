/** One mail, ready to send: rendered subject and bodies, one recipient. */
export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  /** Defaults to the transport's configured sender (`SNACKBASE_MAIL_FROM`). */
  readonly from?: string;
  readonly replyTo?: string;
}

/** What a provider answered: its id for the accepted message. */
export interface SentMail {
  readonly messageId: string;
}

/**
 * A way to hand a mail to a provider (SMTP, SES, Resend). `send` resolves once the provider
 * accepted the mail and rejects with a `MailSendError` otherwise.
 */
export interface MailTransport {
  /** Provider name as written to `email_logs.provider` (`smtp`, `awsses`, `resend`). */
  readonly name: string;
  send(message: MailMessage): Promise<SentMail>;
}
