import type { Router } from 'express';
import { apiInfoResponseSchema, healthResponseSchema, liveResponseSchema, readyResponseSchema } from '@snackbase/contract';
import type { Core } from '@snackbase/core';
import type { RouteRegistry } from '../openapi/route-registry';

/** `/health`, `/ready`, `/live` at the root and `GET {prefix}` (spec §1.2). */
export function registerHealthRoutes(registry: RouteRegistry, router: Router, core: Core): void {
  const tags = ['health'];
  registry.add(router, {
    method: 'get',
    path: '/health',
    summary: 'The process is up',
    tags,
    responses: { 200: { description: 'Healthy', schema: healthResponseSchema } },
    handler: (_req, res) => void res.json(core.health.health()),
  });
  registry.add(router, {
    method: 'get',
    path: '/live',
    summary: 'Liveness probe',
    tags,
    responses: { 200: { description: 'Alive', schema: liveResponseSchema } },
    handler: (_req, res) => void res.json(core.health.live()),
  });
  registry.add(router, {
    method: 'get',
    path: '/ready',
    summary: 'Readiness: the database answers and is migrated',
    tags,
    responses: { 200: { description: 'Ready', schema: readyResponseSchema }, 503: { description: 'Not ready', schema: readyResponseSchema } },
    handler: async (_req, res) => {
      const ready = await core.health.ready();
      if (ready.status !== 'ready') res.setHeader('Retry-After', '5');
      res.status(ready.status === 'ready' ? 200 : 503).json(ready);
    },
  });
  registry.add(router, {
    method: 'get',
    path: core.config.apiPrefix,
    summary: 'API root information',
    tags,
    responses: { 200: { description: 'API info', schema: apiInfoResponseSchema } },
    handler: (_req, res) => void res.json(core.health.apiInfo()),
  });
}
