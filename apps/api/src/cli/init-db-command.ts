import { migrateToLatest } from '@snackbase/db';
import { createAudit, createSuperadmin, hasSuperadmin, openDatabase, systemContext } from '@snackbase/core';
import { boot, exitWith } from './boot';

/** `snackbase init-db`: migrate and create the superadmin from the environment, if set. */
export async function initDbCommand(options: { force?: boolean }): Promise<void> {
  const b = boot();
  if (b.config.environment === 'production' && !options.force) exitWith('init-db refuses to run in production without --force');
  const db = openDatabase(b.config, b.logger);
  try {
    const applied = await migrateToLatest(db);
    console.log(applied.length ? `applied ${applied.length} migration(s)` : 'database already up to date');
    const { email, password } = b.config.superadmin;
    if (email && password && !(await hasSuperadmin(db))) {
      const audit = createAudit({ db, config: b.config, logger: b.logger });
      await createSuperadmin(systemContext('cli:init-db'), { db, audit }, { email, password });
      console.log(`superadmin ${email} created`);
    } else if (!(await hasSuperadmin(db))) {
      console.log('no superadmin yet: run `npx snackbase create-superadmin`');
    }
  } finally {
    await db.close();
  }
}
