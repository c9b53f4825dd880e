import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { systemContext, type Core } from '@snackbase/core';
import { createApp } from './create-app';

/** A listening SnackBase server. */
export interface RunningServer {
  readonly server: Server;
  /** The address actually bound (useful with port 0). */
  readonly url: string;
  /**
   * Graceful stop: refuse new connections, let in-flight requests finish (up to the shutdown
   * timeout), close idle keep-alive sockets, then close the database pool.
   */
  stop(): Promise<void>;
}

/** Starts the HTTP server for `core` on the configured host and port. */
export async function startServer(core: Core, options: { host?: string; port?: number } = {}): Promise<RunningServer> {
  const app = createApp(core);
  const server = createServer(app);
  // Keep-alive longer than common load balancers' idle timeouts, so they close first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 60_000;
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const host = options.host ?? core.config.host;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? core.config.port, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : core.config.port;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  // app.serve: the address as bound (IPv6 hosts bracketed), after listen succeeded; errors are logged.
  await core.hooks.runAfter('app.serve', { ctx: systemContext('serve'), address: `http://${host.includes(':') ? `[${host}]` : host}:${port}` });
  let stopping: Promise<void> | undefined;
  return {
    server,
    url: `http://${shownHost}:${port}`,
    stop() {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const timeout = new Promise<void>((resolve) => setTimeout(resolve, core.config.shutdownTimeoutSeconds * 1000).unref());
        await Promise.race([closed, timeout]);
        for (const s of sockets) s.destroy();
        await core.close();
      })();
      return stopping;
    },
  };
}
