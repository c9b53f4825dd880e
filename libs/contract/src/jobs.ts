/**
 * Background job admin API schemas (spec §10.12; superadmin only, under `/admin/jobs`). Query
 * values arrive as strings.
 */

/** Every status a job can have (`failed` only on rows written by older versions). */
export const JOB_STATUS_VALUES = ['pending', 'running', 'completed', 'failed', 'retrying', 'dead', 'cancelled'] as const;

const str = (maxLength: number) => ({ type: 'string', maxLength }) as const;
const nullable = { type: ['string', 'null'] } as const;

/** `GET /admin/jobs?status&queue&handler&limit=50(≤200)&offset=0`. */
export const jobListQuerySchema = {
  $id: 'JobListQuery',
  type: 'object',
  properties: {
    status: { enum: JOB_STATUS_VALUES },
    queue: str(50),
    handler: str(100),
    limit: { type: 'string', pattern: '^([1-9]|[1-9][0-9]|1[0-9][0-9]|200)$', description: '1–200, default 50' },
    offset: { type: 'string', pattern: '^[0-9]{1,9}$', description: 'default 0' },
  },
} as const;

const jobShape = {
  type: 'object',
  required: [
    'id', 'account_id', 'queue', 'handler', 'payload', 'status', 'priority', 'run_at', 'attempt_number', 'max_retries', 'retry_delay_seconds',
    'locked_by', 'locked_at', 'started_at', 'completed_at', 'failed_at', 'error_message', 'created_by', 'created_at',
  ],
  properties: {
    id: { type: 'string' },
    account_id: nullable,
    queue: { type: 'string' },
    handler: { type: 'string' },
    payload: { description: 'The enqueued JSON payload' },
    status: { enum: JOB_STATUS_VALUES },
    priority: { type: 'integer', description: 'Lower runs sooner' },
    run_at: { ...nullable, description: 'Not before this time (the next retry time while retrying)' },
    attempt_number: { type: 'integer' },
    max_retries: { type: 'integer' },
    retry_delay_seconds: { type: 'integer' },
    locked_by: { ...nullable, description: 'Worker running the job' },
    locked_at: nullable,
    started_at: nullable,
    completed_at: nullable,
    failed_at: nullable,
    error_message: nullable,
    created_by: nullable,
    created_at: { type: 'string' },
  },
} as const;

/** One job (JobResponse: every column, payload parsed). */
export const jobResponseSchema = { $id: 'JobResponse', ...jobShape } as const;

/** `GET /admin/jobs` answer, newest first. */
export const jobListResponseSchema = {
  $id: 'JobListResponse',
  type: 'object',
  required: ['items', 'total'],
  properties: { items: { type: 'array', items: jobShape }, total: { type: 'integer' } },
} as const;

const count = { type: 'integer', minimum: 0 } as const;

/** `GET /admin/jobs/stats` answer. */
export const jobStatsResponseSchema = {
  $id: 'JobStatsResponse',
  type: 'object',
  required: ['pending', 'running', 'completed', 'failed', 'retrying', 'dead', 'cancelled', 'avg_duration_seconds', 'failure_rate'],
  properties: {
    pending: count,
    running: count,
    completed: count,
    failed: count,
    retrying: count,
    dead: count,
    cancelled: count,
    avg_duration_seconds: { type: ['number', 'null'], description: 'Mean run time of completed jobs still retained' },
    failure_rate: { type: ['number', 'null'], description: '(failed + dead) / (completed + failed + dead); null before any job finished' },
  },
} as const;
