export { createApp } from './create-app';
export { startServer } from './http-server';
export type { RunningServer } from './http-server';
export { buildOpenApiDocument } from './openapi/openapi-document';
export { RouteRegistry } from './openapi/route-registry';
export type { JsonSchema, RouteSpec } from './openapi/route-registry';
