import { AppError, createAudit, createSuperadmin, openDatabase, systemContext } from '@snackbase/core';
import { migrateToLatest } from '@snackbase/db';
import { boot, exitWith } from './boot';
import { prompt } from './prompt';

/**
 * `snackbase create-superadmin`: asks for what is missing on a terminal; without one, both
 * `--email` and `--password` (or SNACKBASE_SUPERADMIN_PASSWORD) are required.
 */
export async function createSuperadminCommand(options: { email?: string; password?: string; force?: boolean }): Promise<void> {
  const b = boot();
  const tty = process.stdin.isTTY === true;
  let email = options.email ?? b.config.superadmin.email;
  let password = options.password ?? b.config.superadmin.password;
  if (!email || !password) {
    if (!tty) exitWith('create-superadmin needs --email and --password when not run on a terminal', 2);
    email ??= await prompt('Superadmin email: ');
    password ??= await prompt('Password (12+ characters, upper, lower, digit, special): ', true);
    if ((await prompt('Repeat password: ', true)) !== password) exitWith('passwords do not match', 2);
  }
  const db = openDatabase(b.config, b.logger);
  try {
    await migrateToLatest(db);
    const audit = createAudit({ db, config: b.config, logger: b.logger });
    const result = await createSuperadmin(systemContext('cli:create-superadmin'), { db, audit }, { email, password, force: options.force });
    console.log(result.created ? `superadmin ${result.email} created (id ${result.id})` : `superadmin ${result.email} updated`);
    console.log('log in at the admin console with account "system" (or SY0000)');
  } catch (e) {
    if (e instanceof AppError) {
      const details = e.details?.map((d) => `  - ${d.message}`).join('\n');
      exitWith(`${e.message}${details ? `\n${details}` : ''}${e.status === 409 ? ' (use --force to set a new password)' : ''}`, 2);
    }
    throw e;
  } finally {
    await db.close();
  }
}
