import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import type { Config } from '@snackbase/core';

/**
 * The security headers of spec §10.8 through helmet: nosniff, frame DENY, referrer policy, CSP
 * and Permissions-Policy from config, HSTS in production only. helmet sends
 * `X-XSS-Protection: 0` rather than the reference's `1; mode=block`, which current browsers
 * ignore and older ones could be abused through (OWASP's advice).
 */
export function securityHeaders(config: Config) {
  const s = config.security;
  const production = config.environment === 'production';
  const base = helmet({
    contentSecurityPolicy: false,
    strictTransportSecurity: production ? { maxAge: s.hstsMaxAge, includeSubDomains: true } : false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    crossOriginEmbedderPolicy: false,
  });
  const headers: ReadonlyArray<readonly [string, string]> = [['Content-Security-Policy', s.csp], ['Permissions-Policy', s.permissionsPolicy], ...headersSetBy(base)];
  return (_req: Request, res: Response, next: NextFunction) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}

/**
 * The headers a helmet middleware sets, read once: they follow from its options alone, never
 * from the request. Setting the list per request skips helmet's chain of a dozen middlewares
 * (one per header, each with its own continuation) on every response; helmet stays the source
 * of the header values. (Its only other step, removing X-Powered-By, Express never sets here:
 * createApp disables it.)
 */
export function headersSetBy(middleware: (req: Request, res: Response, next: (err?: unknown) => void) => void): Array<readonly [string, string]> {
  const headers: Array<readonly [string, string]> = [];
  const recorder = { setHeader: (name: string, value: unknown) => void headers.push([name, String(value)]), removeHeader: () => undefined };
  let finished = false;
  middleware({} as Request, recorder as unknown as Response, (err) => {
    if (err) throw err;
    finished = true;
  });
  // helmet calls next synchronously; a version that did not would leave the list incomplete.
  if (!finished) throw new Error('security headers: helmet did not finish synchronously');
  return headers;
}

/** In production with `SNACKBASE_HTTPS_REDIRECT_ENABLED`, plain HTTP gets a 301 to HTTPS. */
export function httpsRedirect() {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.secure) return next();
    res.redirect(301, `https://${req.hostname}${req.originalUrl}`);
  };
}
