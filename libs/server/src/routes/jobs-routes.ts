import type { Router } from 'express';
import { jobListQuerySchema, jobListResponseSchema, jobResponseSchema, jobStatsResponseSchema } from '@snackbase/contract';
import type { Config, JobListQuery, JobQueue } from '@snackbase/core';
import type { RouteRegistry } from '../openapi/route-registry';

type Query = Record<string, string | undefined>;

/** What the jobs routes use of the core (the whole `Core` once it has `jobs`). */
export interface JobsRoutesDeps {
  readonly config: Pick<Config, 'apiPrefix'>;
  readonly jobs: Pick<JobQueue, 'list' | 'get' | 'stats' | 'retry' | 'cancel'>;
}

/**
 * The superadmin background job API (spec §10.12) under `/admin/jobs`: list, stats, detail,
 * retry of dead jobs, and cancel of jobs not yet running (`POST /{id}/cancel` → the job,
 * `DELETE /{id}` → 204 as the reference).
 */
export function registerJobsRoutes(registry: RouteRegistry, router: Router, core: JobsRoutesDeps): void {
  const base = `${core.config.apiPrefix}/admin/jobs`;
  const tags = ['jobs'];
  const job = { description: 'Job', schema: jobResponseSchema };
  const notFound = { description: 'No such job' };
  const common = { tags, security: 'bearer', access: 'superadmin' } as const;
  registry.add(router, {
    ...common, method: 'get', path: base, summary: 'List background jobs, newest first', query: jobListQuerySchema,
    responses: { 200: { description: '{items, total}', schema: jobListResponseSchema } },
    handler: async (req, res) => {
      const q = req.query as Query;
      const query: JobListQuery = {
        status: q['status'] as JobListQuery['status'],
        queue: q['queue'],
        handler: q['handler'],
        limit: q['limit'] === undefined ? undefined : Number(q['limit']),
        offset: q['offset'] === undefined ? undefined : Number(q['offset']),
      };
      res.json(await core.jobs.list(query));
    },
  });
  registry.add(router, {
    ...common, method: 'get', path: `${base}/stats`, summary: 'Jobs per status, mean duration and failure rate',
    responses: { 200: { description: 'Counts', schema: jobStatsResponseSchema } },
    handler: async (_req, res) => {
      res.json(await core.jobs.stats());
    },
  });
  registry.add(router, {
    ...common, method: 'get', path: `${base}/:id`, summary: 'Get a job', responses: { 200: job, 404: notFound },
    handler: async (req, res) => {
      res.json(await core.jobs.get(String(req.params['id'])));
    },
  });
  registry.add(router, {
    ...common, method: 'post', path: `${base}/:id/retry`, summary: 'Queue a dead or failed job again as new (attempts reset)',
    responses: { 200: job, 400: { description: 'The job is not dead or failed' }, 404: notFound },
    handler: async (req, res) => {
      res.json(await core.jobs.retry(String(req.params['id'])));
    },
  });
  registry.add(router, {
    ...common, method: 'post', path: `${base}/:id/cancel`, summary: 'Cancel a pending or retrying job',
    responses: { 200: job, 400: { description: 'The job already finished' }, 404: notFound, 409: { description: 'The job is running' } },
    handler: async (req, res) => {
      res.json(await core.jobs.cancel(String(req.params['id'])));
    },
  });
  registry.add(router, {
    ...common, method: 'delete', path: `${base}/:id`, summary: 'Cancel a pending or retrying job (reference form of /cancel)',
    responses: { 204: { description: 'Cancelled' }, 400: { description: 'The job already finished' }, 404: notFound, 409: { description: 'The job is running' } },
    handler: async (req, res) => {
      await core.jobs.cancel(String(req.params['id']));
      res.status(204).end();
    },
  });
}
