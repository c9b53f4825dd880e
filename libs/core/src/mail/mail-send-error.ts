/**
 * A provider refused or could not be reached. The message is safe to store and show to a
 * superadmin: it never contains credentials (configured secrets are scrubbed from it).
 */
export class MailSendError extends Error {
  override readonly name = 'MailSendError';
  constructor(
    /** The transport's name (`smtp`, `awsses`, `resend`). */
    readonly provider: string,
    message: string,
    /** The provider's HTTP status or SMTP response code, when it answered. */
    readonly status?: number,
    /** The `email_logs` row that recorded the failure, once written. */
    readonly logId?: string,
  ) {
    super(message);
  }
}

/** `text` with every non-empty secret replaced by `***`, cut to 300 characters. */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join('***');
  return out.length > 300 ? `${out.slice(0, 300)}…` : out;
}
