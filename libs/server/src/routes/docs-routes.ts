import express, { type Router } from 'express';
import swaggerUi from 'swagger-ui-express';
import type { Core } from '@snackbase/core';
import { buildOpenApiDocument } from '../openapi/openapi-document';
import type { RouteRegistry } from '../openapi/route-registry';

/**
 * `{prefix}/openapi.json` and Swagger UI at `/docs`, in every environment. The document is
 * built on first request, after every router has registered its routes.
 */
export function registerDocsRoutes(registry: RouteRegistry, router: Router, core: Core): void {
  let document: Record<string, unknown> | undefined;
  const doc = () => (document ??= buildOpenApiDocument(registry.routes, { title: core.config.appName, version: core.config.appVersion }));
  router.get(`${core.config.apiPrefix}/openapi.json`, (_req, res) => void res.json(doc()));
  const docs = express.Router();
  docs.use(swaggerUi.serve);
  docs.get('/', (req, res, next) => swaggerUi.setup(doc(), { customSiteTitle: `${core.config.appName} API` })(req, res, next));
  router.use('/docs', docs);
}
