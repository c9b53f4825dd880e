import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Router } from 'express';
import type { Core } from '@snackbase/core';

/**
 * Serves the built admin console: hashed assets cached for a year, `index.html` never cached,
 * and every other GET outside the API answered with `index.html` (SPA deep links).
 */
export function registerAdminStatic(router: Router, core: Core): void {
  const dir = core.config.staticDir;
  const index = join(dir, 'index.html');
  if (!existsSync(index)) {
    core.logger.warn('admin console not built; / will answer 404', { static_dir: dir });
    return;
  }
  router.use(
    express.static(dir, {
      index: false,
      setHeaders: (res, path) => res.setHeader('Cache-Control', /[.-][0-9A-Z]{8,}\.(js|css)$/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache'),
    }),
  );
  const prefix = core.config.apiPrefix;
  router.get('/{*splat}', (req, res, next) => {
    if (req.path === prefix || req.path.startsWith(`${prefix}/`) || req.path.startsWith('/socket.io/')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}
