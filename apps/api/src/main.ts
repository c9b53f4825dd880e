import { Command } from 'commander';
import { auditCommand } from './cli/audit-command';
import { registerCollectionsCommand } from './cli/collections-command';
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
program
  .command('audit')
  .description('verify the audit hash chain (exit 1 naming the first broken entry) or print its head')
  .argument('<action>', 'verify | head')
  .option('--expected-head <id:checksum>', 'an anchor printed earlier by "audit head"; reveals a truncated or rewritten chain')
  .option('--from-id <id>', 'first entry to verify')
  .option('--to-id <id>', 'last entry to verify')
  .action(auditCommand);
registerCollectionsCommand(program);
program.command('info').description('print the effective configuration (secrets redacted)').action(infoCommand);
program.command('shell').description('a Node REPL with the core and database loaded').action(shellCommand);

program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`snackbase: ${(e as Error).message}\n`);
  process.exit(1);
});
