import { sql } from 'kysely';
import { createCore } from '@snackbase/core';
import { boot, secretsFor } from './boot';

/** `snackbase shell`: a Node REPL with `core`, `db` (Kysely, global tables) and `sql` loaded. */
export async function shellCommand(): Promise<void> {
  const b = boot({ SNACKBASE_LOG_LEVEL: process.env['SNACKBASE_LOG_LEVEL'] ?? 'warn' });
  const core = createCore({ config: b.config, secrets: secretsFor(b), logger: b.logger });
  await core.start();
  console.log(`SnackBase shell (${core.db.dialect}). Loaded: core, db, sql. Try: await db.selectFrom('accounts').selectAll().execute()`);
  // Loaded here, not at the top: `node:repl` loads `node:domain`, which wraps every
  // EventEmitter's construction and emit for the whole process (the server's too).
  const { start } = await import('node:repl');
  const repl = start({ prompt: 'snackbase> ' });
  Object.assign(repl.context, { core, db: core.db.kysely, sql });
  repl.on('exit', () => void core.close().then(() => process.exit(0)));
}
