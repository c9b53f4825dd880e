import type { Router } from 'express';
import {
  loginRequestSchema,
  loginResponseSchema,
  logoutRequestSchema,
  meResponseSchema,
  refreshRequestSchema,
  tokenPairResponseSchema,
  type MeResponse,
} from '@snackbase/contract';
import type { Core, LoginInput } from '@snackbase/core';
import { contextOf, requireUser } from '../middleware/authenticate';
import type { RouteRegistry } from '../openapi/route-registry';

/** `/auth/login`, `/auth/refresh`, `/auth/logout`, `/auth/me` (spec §2.3–2.5, §2.12). */
export function registerAuthRoutes(registry: RouteRegistry, router: Router, core: Core): void {
  const base = `${core.config.apiPrefix}/auth`;
  const tags = ['auth'];
  registry.add(router, {
    method: 'post',
    path: `${base}/login`,
    summary: 'Sign in with email and password',
    tags,
    body: loginRequestSchema,
    responses: { 200: { description: 'Signed in', schema: loginResponseSchema }, 401: { description: 'Invalid credentials' } },
    handler: async (req, res) => {
      const { account, email, password } = req.body as LoginInput;
      res.json(await core.auth.login(contextOf(req, res), { account, email, password }));
    },
  });
  registry.add(router, {
    method: 'post',
    path: `${base}/refresh`,
    summary: 'Rotate a refresh token',
    tags,
    body: refreshRequestSchema,
    responses: { 200: { description: 'New tokens', schema: tokenPairResponseSchema }, 401: { description: 'Invalid or expired refresh token' } },
    handler: async (req, res) => void res.json(await core.auth.refresh((req.body as { refresh_token: string }).refresh_token)),
  });
  registry.add(router, {
    method: 'post',
    path: `${base}/logout`,
    summary: 'End the session of the access token (or of the given refresh token)',
    tags,
    body: logoutRequestSchema,
    security: 'bearer',
    responses: { 200: { description: 'Signed out' } },
    handler: async (req, res) => {
      await core.auth.logout(contextOf(req, res), (req.body as { refresh_token?: string } | undefined)?.refresh_token);
      res.json({ message: 'Logged out' });
    },
  });
  registry.add(router, {
    method: 'get',
    path: `${base}/me`,
    summary: 'The signed-in user',
    tags,
    access: 'user',
    responses: { 200: { description: 'Current user', schema: meResponseSchema } },
    handler: (_req, res) => {
      const user = requireUser(res);
      const me: MeResponse = { user_id: user.userId, account_id: user.accountId, email: user.email, role: user.role };
      res.json(me);
    },
  });
}
