import type { Router } from 'express';
import { forgotPasswordRequestSchema, registerRequestSchema, resetPasswordRequestSchema, verifyEmailRequestSchema } from '@snackbase/contract';
import type { Core, RegisterInput } from '@snackbase/core';
import { contextOf, requireUser } from '../middleware/authenticate';
import type { RouteRegistry } from '../openapi/route-registry';

/** Registration, email verification and password reset (spec §2.2, §2.8, §2.11). */
export function registerIdentityRoutes(registry: RouteRegistry, router: Router, core: Core): void {
  const base = `${core.config.apiPrefix}/auth`;
  const tags = ['auth'];
  const message = { description: '{message}' };
  registry.add(router, {
    method: 'post', path: `${base}/register`, summary: 'Register a new account and its first user', tags, body: registerRequestSchema, responses: { 201: { description: 'Registered; verify the email before signing in' } },
    handler: async (req, res) => {
      const { email, password, account_name, account_slug } = req.body as RegisterInput;
      res.status(201).json(await core.identity.register(contextOf(req, res), { email, password, account_name, account_slug }));
    },
  });
  registry.add(router, {
    method: 'post', path: `${base}/verify-email`, summary: 'Verify an email address with the token from the mail', tags, body: verifyEmailRequestSchema, responses: { 200: message },
    handler: async (req, res) => void res.json(await core.identity.verifyEmail(contextOf(req, res), (req.body as { token: string }).token)),
  });
  for (const path of ['send-verification', 'resend-verification']) {
    registry.add(router, {
      method: 'post', path: `${base}/${path}`, summary: 'Mail the signed-in user a new verification link', tags, access: 'user', responses: { 200: message },
      handler: async (req, res) => {
        const user = requireUser(res);
        res.json(await core.identity.resendVerification(contextOf(req, res), user.accountId, user.userId));
      },
    });
  }
  registry.add(router, {
    method: 'post', path: `${base}/forgot-password`, summary: 'Mail a password reset link (same answer whether or not the user exists)', tags, body: forgotPasswordRequestSchema, responses: { 200: message },
    handler: async (req, res) => {
      const { email, account } = req.body as { email: string; account?: string };
      res.json(await core.identity.forgotPassword(contextOf(req, res), { email, account, ip: req.ip }));
    },
  });
  registry.add(router, {
    method: 'post', path: `${base}/reset-password`, summary: 'Set a new password with the token from the mail', tags, body: resetPasswordRequestSchema, responses: { 200: message },
    handler: async (req, res) => {
      const { token, new_password } = req.body as { token: string; new_password: string };
      res.json(await core.identity.resetPassword(contextOf(req, res), token, new_password));
    },
  });
  registry.add(router, {
    method: 'get', path: `${base}/verify-reset-token/:token`, summary: 'Whether a reset token is still usable', tags, responses: { 200: { description: '{valid, expires_at}' } },
    handler: async (req, res) => void res.json(await core.identity.verifyResetToken(String(req.params['token']))),
  });
}
