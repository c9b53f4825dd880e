import express from 'express';
import helmet from 'helmet';
import request from 'supertest';
import { loadConfig } from '@snackbase/core';
import { headersSetBy, securityHeaders } from './security-headers';

/** The response headers of `GET /` through `middleware` alone. */
async function headersThrough(middleware: express.RequestHandler): Promise<Record<string, string>> {
  const app = express();
  app.disable('x-powered-by');
  app.use(middleware);
  app.get('/', (_req, res) => void res.send('ok'));
  const res = await request(app).get('/').expect(200);
  // Date and ETag differ per response and are not security headers.
  return Object.fromEntries(Object.entries(res.headers as Record<string, string>).filter(([name]) => name !== 'date' && name !== 'etag'));
}

describe('securityHeaders', () => {
  it.each([['development'], ['production']])('sends exactly what helmet itself sends, plus CSP and Permissions-Policy (%s)', async (environment) => {
    const config = loadConfig({ env: { SNACKBASE_ENVIRONMENT: environment, SNACKBASE_SECRET_KEY: 'k'.repeat(64) }, envFile: null });
    const ours = await headersThrough(securityHeaders(config));
    const options = {
      contentSecurityPolicy: false,
      strictTransportSecurity: environment === 'production' ? { maxAge: config.security.hstsMaxAge, includeSubDomains: true } : false,
      frameguard: { action: 'deny' as const },
      referrerPolicy: { policy: 'strict-origin-when-cross-origin' as const },
      crossOriginEmbedderPolicy: false,
    };
    const theirs = await headersThrough(helmet(options));
    expect(ours).toEqual({ ...theirs, 'content-security-policy': config.security.csp, 'permissions-policy': config.security.permissionsPolicy });
    expect(ours['x-frame-options']).toBe('DENY');
    expect(ours['strict-transport-security'] !== undefined).toBe(environment === 'production');
  });

  it('refuses a middleware that does not finish synchronously', () => {
    expect(() => headersSetBy((_req, _res, next) => void setImmediate(next))).toThrow(/synchronously/);
  });
});
