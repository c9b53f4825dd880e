import express, { type Express } from 'express';
import type { Core } from '@snackbase/core';
import { corsPolicy } from './middleware/cors-policy';
import { authenticate } from './middleware/authenticate';
import { chain } from './middleware/chain';
import { apiNotFound, errorHandler } from './middleware/error-handler';
import { accountEmailIdentity, apiRateLimit, authRateLimit } from './middleware/rate-limit';
import { jsonBody } from './middleware/json-body';
import { requestContext } from './middleware/request-context';
import { requestHooks } from './middleware/request-hooks';
import { httpsRedirect, securityHeaders } from './middleware/security-headers';
import { RouteRegistry } from './openapi/route-registry';
import { mountSections } from './route-section';
import { registerAccountsRoutes } from './routes/accounts-routes';
import { registerAdminStatic } from './routes/admin-static';
import { registerAuditRoutes } from './routes/audit-routes';
import { registerApiKeysRoutes } from './routes/api-keys-routes';
import { registerAuthRoutes } from './routes/auth-routes';
import { registerCollectionRulesRoutes } from './routes/collection-rules-routes';
import { registerCollectionsRoutes } from './routes/collections-routes';
import { registerCollectionsTransferRoutes } from './routes/collections-transfer-routes';
import { registerDocsRoutes } from './routes/docs-routes';
import { registerEmailRoutes } from './routes/email-routes';
import { registerGroupsRoutes } from './routes/groups-routes';
import { registerHealthRoutes } from './routes/health-routes';
import { registerIdentityRoutes } from './routes/identity-routes';
import { registerInvitationsRoutes } from './routes/invitations-routes';
import { registerJobsRoutes } from './routes/jobs-routes';
import { registerMacrosRoutes } from './routes/macros-routes';
import { registerRecordsReadRoutes } from './routes/records-read-routes';
import { registerRulesExplainRoutes } from './routes/rules-explain-routes';
import { registerRecordsWriteRoutes } from './routes/records-write-routes';
import { registerRolesRoutes } from './routes/roles-routes';
import { registerUsersRoutes } from './routes/users-routes';
import { registerWebhooksRoutes } from './routes/webhooks-routes';
import { registerApiHooksRoutes } from './routes/api-hooks-routes';

/** Express's `trust proxy` from `SNACKBASE_TRUST_PROXY` (false, true, a hop count or addresses). */
function trustProxy(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return /^\d+$/.test(value) ? Number(value) : value;
}

/**
 * The Express application: middleware in the order of spec §0.3 (request id and logging,
 * security headers, CORS, body limits), the routes, then the JSON 404 for unknown API paths,
 * the admin console, and the one error handler.
 */
export function createApp(core: Core): Express {
  const { config, logger } = core;
  const app = express();
  app.disable('x-powered-by');
  // API answers change with every write; hashing each body for a weak ETag costs CPU for nothing.
  app.set('etag', false);
  app.set('trust proxy', trustProxy(config.trustProxy));
  app.set('query parser', 'simple');
  app.use(requestContext(logger));
  if (config.security.headersEnabled) app.use(securityHeaders(config));
  if (config.environment === 'production' && config.security.httpsRedirect) app.use(httpsRedirect());
  app.use(corsPolicy(config));
  app.use(jsonBody(config.maxBodySize));

  const registry = new RouteRegistry();
  const routes = express.Router();
  registerHealthRoutes(registry, routes, core);
  registerDocsRoutes(registry, routes, core);
  app.use(routes);

  // Everything under the API prefix past the health routes knows who is calling; request.before
  // and request.after see the caller, so they come after authentication (and the API rate
  // limit). One layer for the three (see chain).
  const api = express.Router();
  api.use(config.apiPrefix, chain(authenticate(core), apiRateLimit(core), requestHooks(core.hooks)));
  // Brute-force protection runs before the handlers of the routes it guards (per IP, and per
  // account+email where the body names one), registered in the section of those routes so that
  // no other request passes them.
  const auth = `${config.apiPrefix}/auth`;
  // Each module's routes sit behind one check of their shared prefix (see mountSections).
  mountSections(api, [
    (r) => {
      r.post(`${auth}/login`, authRateLimit(core, { identity: accountEmailIdentity, scope: 'login' }));
      registerAuthRoutes(registry, r, core);
    },
    (r) => {
      r.post(`${auth}/register`, authRateLimit(core, { identity: accountEmailIdentity, resetOnSuccess: false, scope: 'register' }));
      r.post(`${auth}/forgot-password`, authRateLimit(core, { identity: accountEmailIdentity, resetOnSuccess: false, scope: 'forgot-password' }));
      r.post(`${auth}/verify-email`, authRateLimit(core));
      r.post(`${auth}/reset-password`, authRateLimit(core));
      registerIdentityRoutes(registry, r, core);
    },
    (r) => registerAccountsRoutes(registry, r, core),
    (r) => registerUsersRoutes(registry, r, core),
    (r) => registerGroupsRoutes(registry, r, core),
    (r) => registerRolesRoutes(registry, r, core),
    (r) => registerMacrosRoutes(registry, r, core),
    (r) => registerAuditRoutes(registry, r, core),
    (r) => {
      r.post(`${config.apiPrefix}/invitations/:token/accept`, authRateLimit(core));
      registerInvitationsRoutes(registry, r, core);
    },
    (r) => registerApiKeysRoutes(registry, r, core),
    (r) => registerEmailRoutes(registry, r, core),
    (r) => registerJobsRoutes(registry, r, core),
    (r) => registerWebhooksRoutes(registry, r, core),
    (r) => registerApiHooksRoutes(registry, r, core),
    // Static collection paths (/collections/names here, /collections/export and /collections/import
    // of the transfer routes) must be registered before /collections/:id: register transfer routes
    // above this line.
    (r) => registerRulesExplainRoutes(registry, r, core),
    (r) => registerCollectionsTransferRoutes(registry, r, core),
    (r) => registerCollectionsRoutes(registry, r, core),
    (r) => registerCollectionRulesRoutes(registry, r, core),
    (r) => registerRecordsReadRoutes(registry, r, core),
    (r) => registerRecordsWriteRoutes(registry, r, core),
  ]);
  app.use(api);

  app.use(`${config.apiPrefix}`, apiNotFound());
  registerAdminStatic(app, core);
  app.use(apiNotFound());
  app.use(errorHandler(logger));
  return app;
}
