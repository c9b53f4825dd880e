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
  return (req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Content-Security-Policy', s.csp);
    res.setHeader('Permissions-Policy', s.permissionsPolicy);
    base(req, res, next);
  };
}

/** In production with `SNACKBASE_HTTPS_REDIRECT_ENABLED`, plain HTTP gets a 301 to HTTPS. */
export function httpsRedirect() {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.secure) return next();
    res.redirect(301, `https://${req.hostname}${req.originalUrl}`);
  };
}
