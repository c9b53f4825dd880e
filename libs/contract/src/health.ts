/** `GET /health` (spec §1.2). */
export interface HealthResponse {
  readonly status: 'healthy';
  readonly service: string;
  readonly version: string;
  readonly audit_logging_enabled: boolean;
}

/** `GET /ready`: spec §1.2 plus the dialect and the migration state. 503 when not ready. */
export interface ReadyResponse {
  readonly status: 'ready' | 'not_ready';
  readonly service: string;
  readonly version?: string;
  readonly database: 'connected' | 'disconnected';
  readonly dialect?: 'sqlite' | 'postgres';
  readonly migrations?: { readonly applied: number; readonly pending: number; readonly latest: string | null };
  readonly audit_logging_enabled?: boolean;
}

/** `GET /live`. */
export interface LiveResponse {
  readonly status: 'alive';
  readonly service: string;
  readonly version: string;
}

/** `GET /api/v1`. */
export interface ApiInfoResponse {
  readonly name: string;
  readonly version: string;
  readonly api_version: 'v1';
}

/** JSON Schemas of the health responses, for the OpenAPI document and response tests. */
export const healthResponseSchema = {
  $id: 'HealthResponse',
  type: 'object',
  required: ['status', 'service', 'version', 'audit_logging_enabled'],
  properties: {
    status: { const: 'healthy' },
    service: { type: 'string' },
    version: { type: 'string' },
    audit_logging_enabled: { type: 'boolean' },
  },
} as const;

export const readyResponseSchema = {
  $id: 'ReadyResponse',
  type: 'object',
  required: ['status', 'service', 'database'],
  properties: {
    status: { enum: ['ready', 'not_ready'] },
    service: { type: 'string' },
    version: { type: 'string' },
    database: { enum: ['connected', 'disconnected'] },
    dialect: { enum: ['sqlite', 'postgres'] },
    migrations: {
      type: 'object',
      properties: {
        applied: { type: 'integer' },
        pending: { type: 'integer' },
        latest: { type: ['string', 'null'] },
      },
    },
    audit_logging_enabled: { type: 'boolean' },
  },
} as const;

export const liveResponseSchema = {
  $id: 'LiveResponse',
  type: 'object',
  required: ['status', 'service', 'version'],
  properties: { status: { const: 'alive' }, service: { type: 'string' }, version: { type: 'string' } },
} as const;

export const apiInfoResponseSchema = {
  $id: 'ApiInfoResponse',
  type: 'object',
  required: ['name', 'version', 'api_version'],
  properties: { name: { type: 'string' }, version: { type: 'string' }, api_version: { const: 'v1' } },
} as const;
