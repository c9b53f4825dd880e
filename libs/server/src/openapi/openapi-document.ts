import { errorBodySchema } from '@snackbase/contract';
import type { JsonSchema, RouteSpec } from './route-registry';

type Components = Record<string, JsonSchema>;

/** A named schema becomes a component and a `$ref`; an anonymous one is inlined. */
function refOrInline(schema: JsonSchema, components: Components): JsonSchema {
  const id = schema['$id'];
  if (typeof id !== 'string') return schema;
  const { $id: _omit, ...rest } = schema; // eslint-disable-line @typescript-eslint/no-unused-vars
  components[id] = rest;
  return { $ref: `#/components/schemas/${id}` };
}

function operation(route: RouteSpec, components: Components): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(route.responses)) {
    responses[status] = r.schema
      ? { description: r.description, content: { 'application/json': { schema: refOrInline(r.schema, components) } } }
      : { description: r.description };
  }
  responses['default'] = { description: 'Error', content: { 'application/json': { schema: refOrInline(errorBodySchema, components) } } };
  const query = route.query?.['properties'] as Record<string, JsonSchema> | undefined;
  const required = new Set((route.query?.['required'] as string[] | undefined) ?? []);
  return {
    summary: route.summary,
    tags: route.tags,
    ...(query
      ? { parameters: Object.entries(query).map(([name, schema]) => ({ name, in: 'query', required: required.has(name), schema })) }
      : {}),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: refOrInline(route.body, components) } } } } : {}),
    ...(route.security === 'bearer' || route.access ? { security: [{ bearerAuth: [] }, { apiKey: [] }] } : { security: [] }),
    responses,
  };
}

/**
 * The OpenAPI 3.1 document of the registered routes, built from the same JSON Schemas that
 * validate requests, so the two cannot drift.
 */
export function buildOpenApiDocument(routes: readonly RouteSpec[], info: { title: string; version: string }): Record<string, unknown> {
  const components: Components = {};
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    paths[path] ??= {};
    paths[path][route.method] = operation(route, components);
  }
  return {
    openapi: '3.1.0',
    info: { title: `${info.title} API`, version: info.version, description: 'SnackBase: multi-tenant Backend-as-a-Service. Errors share one body (ErrorBody).' },
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
    },
  };
}
