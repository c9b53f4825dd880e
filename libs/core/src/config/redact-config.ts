import { redactDatabaseUrl } from '@snackbase/db';
import type { Config } from './config';

/** The config with secrets and passwords replaced, for `snackbase info` and start-up logs. */
export function redactConfig(config: Config): Record<string, unknown> {
  const hide = (v: string | undefined) => (v === undefined ? undefined : '***');
  return {
    ...config,
    database: { ...config.database, url: redactDatabaseUrl(config.database.url) },
    secrets: {
      secretKey: hide(config.secrets.secretKey),
      tokenSecret: hide(config.secrets.tokenSecret),
      encryptionKey: hide(config.secrets.encryptionKey),
    },
    superadmin: { email: config.superadmin.email, password: hide(config.superadmin.password) },
  };
}
