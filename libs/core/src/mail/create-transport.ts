import type { Config } from '../config';
import type { MailTransport } from './mail-transport';
import { createResendTransport } from './resend-transport';
import { createSesTransport } from './ses-transport';
import { createSmtpTransport } from './smtp-transport';

/**
 * The transport `SNACKBASE_MAIL_PROVIDER` names, or `null` for `none` (nothing is sent).
 * `loadConfig` has already checked that the provider's required settings are present.
 */
export function createMailTransport(mail: Config['mail']): MailTransport | null {
  switch (mail.provider) {
    case 'smtp':
      return createSmtpTransport({ ...mail.smtp, host: mail.smtp.host ?? 'localhost', from: mail.from });
    case 'ses':
      return createSesTransport({ ...mail.ses, accessKeyId: mail.ses.accessKeyId ?? '', secretAccessKey: mail.ses.secretAccessKey ?? '', from: mail.from });
    case 'resend':
      return createResendTransport({ apiKey: mail.resend.apiKey ?? '', endpoint: mail.resend.endpoint, from: mail.from });
    case 'none':
      return null;
  }
}
