import { migrateToLatest, type SnackDatabase } from '@snackbase/db';
import { createSuperadmin, ensureSingleTenantAccount, hasSuperadmin } from '../accounts';
import type { AuditRecorder } from '../audit';
import type { Config } from '../config';
import { systemContext } from '../context';
import type { Logger } from '../logging';
import { seedEmailTemplates, seedSystemSettings } from '../mail';

/**
 * The start-up sequence (spec §0.4): apply pending migrations, create the superadmin named by
 * `SNACKBASE_SUPERADMIN_EMAIL`/`_PASSWORD` when none exists (a failure is logged, start-up goes
 * on), and say how to create one when there is still none. What it creates is audited with a
 * system context (request id `bootstrap`, no user).
 */
export async function bootstrap(deps: { config: Config; db: SnackDatabase; logger: Logger; audit: AuditRecorder }): Promise<void> {
  const { config, db, logger } = deps;
  const ctx = systemContext('bootstrap');
  const applied = await migrateToLatest(db);
  if (applied.length) logger.info('database migrated', { applied, dialect: db.dialect });
  const { email, password } = config.superadmin;
  if (email && password && !(await hasSuperadmin(db))) {
    try {
      await createSuperadmin(ctx, deps, { email, password });
      logger.info('superadmin created from environment', { email });
    } catch (e) {
      logger.error('superadmin from environment could not be created', { error: (e as Error).message, details: (e as { details?: unknown }).details });
    }
  }
  if (config.singleTenant && (await ensureSingleTenantAccount(ctx, deps, config.singleTenant))) {
    logger.info('single-tenant account created', { slug: config.singleTenant.slug });
  }
  // Spec §0.4 steps 6–7: system settings (app_url for links in mails) and the built-in templates.
  if (await seedSystemSettings(db, config, deps.audit)) logger.info('system settings seeded', { app_url: config.externalUrl });
  const seededTemplates = await seedEmailTemplates(db, deps.audit);
  if (seededTemplates.length) logger.info('email templates seeded', { types: seededTemplates });
  if (!(await hasSuperadmin(db))) {
    logger.warn(
      'no superadmin exists yet: create one with `npx snackbase create-superadmin` (or `npm run snackbase -- create-superadmin`), or set SNACKBASE_SUPERADMIN_EMAIL and SNACKBASE_SUPERADMIN_PASSWORD and restart',
    );
  }
}
