import { Command } from 'commander';
import { createSuperadminCommand } from './cli/create-superadmin-command';
import { infoCommand } from './cli/info-command';
import { initDbCommand } from './cli/init-db-command';
import { migrateCommand } from './cli/migrate-command';
import { serveCommand } from './cli/serve-command';
import { shellCommand } from './cli/shell-command';

// The composition root and CLI: config → core → server. `node main.js` alone serves.
const program = new Command('snackbase').description('SnackBase: self-hosted Backend-as-a-Service').showHelpAfterError();

program.command('serve', { isDefault: true }).description('run the HTTP server').option('--host <host>').option('--port <port>').action(serveCommand);
program.command('init-db').description('migrate the database and create the superadmin from the environment').option('--force', 'allow in production').action(initDbCommand);
program
  .command('create-superadmin')
  .description('create a superadmin (prompts on a terminal)')
  .option('--email <email>')
  .option('--password <password>')
  .option('--force', 'set a new password when the superadmin exists')
  .action(createSuperadminCommand);
program.command('migrate').description('database migrations').argument('<action>', 'up | down | status | history').action(migrateCommand);
program.command('info').description('print the effective configuration (secrets redacted)').action(infoCommand);
program.command('shell').description('a Node REPL with the core and database loaded').action(shellCommand);

program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`snackbase: ${(e as Error).message}\n`);
  process.exit(1);
});
