import cors from 'cors';
import type { Config } from '@snackbase/core';

/**
 * CORS closed unless `SNACKBASE_CORS_ORIGINS` lists origins (spec/DECISIONS.md). `*` allows
 * any origin but then never with credentials, as browsers require.
 */
export function corsPolicy(config: Config) {
  const c = config.cors;
  const any = c.origins.includes('*');
  const allowed = new Set(c.origins);
  return cors({
    origin: (origin, cb) => cb(null, origin !== undefined && (any || allowed.has(origin))),
    credentials: c.allowCredentials && !any,
    // `*` means "what the browser asks for": cors reflects the requested headers when none
    // are listed, and the method list below covers every method the API has.
    methods: c.methods.includes('*') ? ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] : [...c.methods],
    ...(c.headers.includes('*') ? {} : { allowedHeaders: [...c.headers] }),
    exposedHeaders: ['X-Correlation-ID', 'Retry-After'],
    maxAge: 600,
  });
}
