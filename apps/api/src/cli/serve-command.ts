import { createCore } from '@snackbase/core';
import { startServer } from '@snackbase/server';
import { boot, secretsFor } from './boot';

/** `snackbase serve`: migrate, seed, listen; SIGTERM/SIGINT drain requests and close pools. */
export async function serveCommand(options: { host?: string; port?: string }): Promise<void> {
  const b = boot({ SNACKBASE_HOST: options.host, SNACKBASE_PORT: options.port });
  const core = createCore({ config: b.config, secrets: secretsFor(b), logger: b.logger });
  await core.start();
  // Only the server runs the job worker (not the CLI's other commands); off with SNACKBASE_JOB_WORKER_ENABLED=false.
  await core.jobs.start({ concurrency: 1 });
  await core.scheduler.start(); // schedule hooks; stopped by core.close()
  const running = await startServer(core);
  b.logger.info(`SnackBase listening on ${running.url}`, {
    url: running.url,
    dialect: core.db.dialect,
    environment: b.config.environment,
    admin: `${running.url}/`,
    docs: `${running.url}/docs`,
  });
  const stop = (signal: string) => {
    b.logger.info('shutting down', { signal });
    running.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        b.logger.error('shutdown failed', { error: (e as Error).message });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
