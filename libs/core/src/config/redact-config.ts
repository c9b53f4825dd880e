import { redactDatabaseUrl } from '@snackbase/db';
import type { Config } from './config';

/** The config with secrets and passwords replaced, for `snackbase info` and start-up logs. */
export function redactConfig(config: Config): Record<string, unknown> {
  const hide = (v: string | undefined) => (v === undefined ? undefined : '***');
  return {
    ...config,
    database: { ...config.database, url: redactDatabaseUrl(config.database.url) },
    redisUrl: config.redisUrl === undefined ? undefined : redactDatabaseUrl(config.redisUrl),
    secrets: {
      secretKey: hide(config.secrets.secretKey),
      tokenSecret: hide(config.secrets.tokenSecret),
      encryptionKey: hide(config.secrets.encryptionKey),
    },
    superadmin: { email: config.superadmin.email, password: hide(config.superadmin.password) },
    mail: {
      ...config.mail,
      smtp: { ...config.mail.smtp, password: hide(config.mail.smtp.password) },
      ses: { ...config.mail.ses, secretAccessKey: hide(config.mail.ses.secretAccessKey) },
      resend: { ...config.mail.resend, apiKey: hide(config.mail.resend.apiKey) },
    },
  };
}
