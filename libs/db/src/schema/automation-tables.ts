import type { Defaulted } from './column-helpers';
import type { DbBool, DbJson, NullableTimestamp, Timestamp } from './identity-tables';

export interface WebhooksTable {
  id: string;
  account_id: string;
  url: string;
  collection: string;
  /** JSON array ⊆ `create` | `update` | `delete`. */
  events: DbJson;
  /** HMAC signing secret (possibly encrypted at rest). */
  secret: string;
  filter: string | null;
  enabled: DbBool;
  headers: DbJson;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WebhookDeliveriesTable {
  id: string;
  account_id: string;
  webhook_id: string;
  event: string;
  payload: DbJson;
  /** `pending` | `delivered` | `failed` | `retrying`. */
  status: Defaulted<string>;
  attempt_number: Defaulted<number>;
  response_status: number | null;
  response_body: string | null;
  error_message: string | null;
  delivered_at: NullableTimestamp;
  next_retry_at: NullableTimestamp;
  created_at: Timestamp;
}

/** A background job (global queue); `account_id` is null for system jobs. */
export interface JobsTable {
  id: string;
  account_id: string | null;
  queue: Defaulted<string>;
  handler: string;
  payload: DbJson;
  /** `pending` | `running` | `completed` | `failed` | `retrying` | `dead`. */
  status: Defaulted<string>;
  /** Lower runs sooner. */
  priority: Defaulted<number>;
  /** Not before this time (also the next retry time); null = now. */
  run_at: NullableTimestamp;
  attempt_number: Defaulted<number>;
  max_retries: Defaulted<number>;
  retry_delay_seconds: Defaulted<number>;
  locked_by: string | null;
  locked_at: NullableTimestamp;
  started_at: NullableTimestamp;
  completed_at: NullableTimestamp;
  failed_at: NullableTimestamp;
  error_message: string | null;
  created_by: string | null;
  created_at: Timestamp;
}

export interface HooksTable {
  id: string;
  account_id: string;
  name: string;
  description: string | null;
  /** `{type: 'schedule', cron}` | `{type: 'event', event, collection?}` | `{type: 'manual'}`. */
  trigger: DbJson;
  condition: string | null;
  actions: DbJson;
  enabled: DbBool;
  last_run_at: NullableTimestamp;
  next_run_at: NullableTimestamp;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface HookExecutionsTable {
  id: string;
  account_id: string;
  hook_id: string;
  trigger_type: string;
  /** `success` | `partial` | `failed`. */
  status: string;
  actions_executed: Defaulted<number>;
  error_message: string | null;
  duration_ms: number | null;
  execution_context: DbJson;
  executed_at: Timestamp;
}

export interface EndpointsTable {
  id: string;
  account_id: string;
  name: string;
  description: string | null;
  path: string;
  /** `GET` | `POST` | `PUT` | `PATCH` | `DELETE`. */
  method: string;
  auth_required: DbBool;
  condition: string | null;
  actions: DbJson;
  response_template: DbJson;
  enabled: DbBool;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface EndpointExecutionsTable {
  id: string;
  account_id: string;
  endpoint_id: string;
  /** `success` | `partial` | `failed`. */
  status: string;
  http_status: number | null;
  duration_ms: number | null;
  request_data: DbJson;
  response_body: DbJson;
  error_message: string | null;
  executed_at: Timestamp;
}

export interface WorkflowsTable {
  id: string;
  account_id: string;
  name: string;
  description: string | null;
  /** `event` | `schedule` | `manual` | `webhook`. */
  trigger_type: string;
  trigger_config: DbJson;
  /** SHA-256 hex of the webhook trigger's URL token (webhook workflows only). */
  webhook_token_hash: string | null;
  steps: DbJson;
  enabled: DbBool;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WorkflowInstancesTable {
  id: string;
  account_id: string;
  workflow_id: string;
  /** `pending` | `running` | `waiting` | `completed` | `failed` | `cancelled`. */
  status: Defaulted<string>;
  current_step: string | null;
  context: DbJson;
  error_message: string | null;
  resume_job_id: string | null;
  created_at: Timestamp;
  started_at: NullableTimestamp;
  completed_at: NullableTimestamp;
}

export interface WorkflowStepLogsTable {
  id: string;
  account_id: string;
  workflow_id: string;
  instance_id: string;
  step_name: string;
  step_type: string;
  /** `success` | `failed` | `skipped`. */
  status: string;
  input: DbJson;
  output: DbJson;
  error_message: string | null;
  started_at: Timestamp;
  completed_at: NullableTimestamp;
}
