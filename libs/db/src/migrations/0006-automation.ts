import type { SnackMigration } from './migration';

/**
 * Outbound webhooks, the job queue, API-defined hooks, custom endpoints and workflows
 * (spec §10.10–10.14). Log tables (deliveries, executions, step logs) repeat their parent's
 * `account_id` so they can be read through the tenant scope without a join.
 */
export const automationMigration: SnackMigration = {
  async up(db, t) {
    // `secret` signs deliveries (HMAC), so it cannot be a hash; the server may store it encrypted.
    await db.schema
      .createTable('webhooks')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('account_id', t.id, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('url', 'varchar(2048)', (c) => c.notNull())
      .addColumn('collection', 'varchar(64)', (c) => c.notNull())
      .addColumn('events', t.json, (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('filter', 'text')
      .addColumn('enabled', t.bool, (c) => c.notNull().defaultTo(t.true))
      .addColumn('headers', t.json)
      .addColumn('created_by', t.id, (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .addColumn('updated_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .execute();
    await db.schema.createIndex('webhooks_account_collection_idx').on('webhooks').columns(['account_id', 'collection']).execute();

    await db.schema
      .createTable('webhook_deliveries')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('account_id', t.id, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('webhook_id', t.id, (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
      .addColumn('event', 'varchar(50)', (c) => c.notNull())
      .addColumn('payload', t.json, (c) => c.notNull())
      .addColumn('status', 'varchar(20)', (c) => c.notNull().defaultTo('pending'))
      .addColumn('attempt_number', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('response_status', 'integer')
      .addColumn('response_body', 'text')
      .addColumn('error_message', 'text')
      .addColumn('delivered_at', t.timestamp)
      .addColumn('next_retry_at', t.timestamp)
      .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .execute();
    await db.schema.createIndex('webhook_deliveries_account_webhook_idx').on('webhook_deliveries').columns(['account_id', 'webhook_id']).execute();
    await db.schema.createIndex('webhook_deliveries_webhook_created_idx').on('webhook_deliveries').columns(['webhook_id', 'created_at']).execute();

    // The queue is global (one worker serves every account); `account_id` is null for system jobs.
    // A worker claims a job by setting status 'running', `locked_by` (its id) and `locked_at`.
    await db.schema
      .createTable('jobs')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('account_id', t.id, (c) => c.references('accounts.id').onDelete('cascade'))
      .addColumn('queue', 'varchar(50)', (c) => c.notNull().defaultTo('default'))
      .addColumn('handler', 'varchar(100)', (c) => c.notNull())
      .addColumn('payload', t.json)
      .addColumn('status', 'varchar(20)', (c) => c.notNull().defaultTo('pending'))
      .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('run_at', t.timestamp)
      .addColumn('attempt_number', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('max_retries', 'integer', (c) => c.notNull().defaultTo(3))
      .addColumn('retry_delay_seconds', 'integer', (c) => c.notNull().defaultTo(60))
      .addColumn('locked_by', 'varchar(100)')
      .addColumn('locked_at', t.timestamp)
      .addColumn('started_at', t.timestamp)
      .addColumn('completed_at', t.timestamp)
      .addColumn('failed_at', t.timestamp)
      .addColumn('error_message', 'text')
      .addColumn('created_by', t.id, (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .execute();
    await db.schema.createIndex('jobs_status_run_at_idx').on('jobs').columns(['status', 'run_at']).execute();
    await db.schema.createIndex('jobs_queue_status_priority_idx').on('jobs').columns(['queue', 'status', 'priority', 'created_at']).execute();
    await db.schema.createIndex('jobs_account_idx').on('jobs').columns(['account_id', 'status']).execute();

    await db.schema
      .createTable('hooks')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('account_id', t.id, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('name', 'varchar(200)', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('trigger', t.json, (c) => c.notNull())
      .addColumn('condition', 'text')
      .addColumn('actions', t.json, (c) => c.notNull().defaultTo('[]'))
      .addColumn('enabled', t.bool, (c) => c.notNull().defaultTo(t.true))
      .addColumn('last_run_at', t.timestamp)
      .addColumn('next_run_at', t.timestamp)
      .addColumn('created_by', t.id, (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .addColumn('updated_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .execute();
    await db.schema.createIndex('hooks_account_enabled_idx').on('hooks').columns(['account_id', 'enabled']).execute();
    // The scheduler looks for due schedule hooks across accounts.
    await db.schema.createIndex('hooks_next_run_idx').on('hooks').column('next_run_at').execute();

    await db.schema
      .createTable('hook_executions')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('account_id', t.id, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('hook_id', t.id, (c) => c.notNull().references('hooks.id').onDelete('cascade'))
      .addColumn('trigger_type', 'varchar(20)', (c) => c.notNull())
      .addColumn('status', 'varchar(20)', (c) => c.notNull())
      .addColumn('actions_executed', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('error_message', 'text')
      .addColumn('duration_ms', 'integer')
      .addColumn('execution_context', t.json)
      .addColumn('executed_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .execute();
    await db.schema.createIndex('hook_executions_account_hook_idx').on('hook_executions').columns(['account_id', 'hook_id', 'executed_at']).execute();
    await db.schema.createIndex('hook_executions_hook_idx').on('hook_executions').columns(['hook_id', 'executed_at']).execute();

    await db.schema
      .createTable('endpoints')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('account_id', t.id, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('name', 'varchar(200)', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('path', 'varchar(500)', (c) => c.notNull())
      .addColumn('method', 'varchar(10)', (c) => c.notNull())
      .addColumn('auth_required', t.bool, (c) => c.notNull().defaultTo(t.true))
      .addColumn('condition', 'text')
      .addColumn('actions', t.json, (c) => c.notNull().defaultTo('[]'))
      .addColumn('response_template', t.json)
      .addColumn('enabled', t.bool, (c) => c.notNull().defaultTo(t.true))
      .addColumn('created_by', t.id, (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .addColumn('updated_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .addUniqueConstraint('endpoints_account_path_method_unique', ['account_id', 'path', 'method'])
      .execute();

    await db.schema
      .createTable('endpoint_executions')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('account_id', t.id, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('endpoint_id', t.id, (c) => c.notNull().references('endpoints.id').onDelete('cascade'))
      .addColumn('status', 'varchar(20)', (c) => c.notNull())
      .addColumn('http_status', 'integer')
      .addColumn('duration_ms', 'integer')
      .addColumn('request_data', t.json)
      .addColumn('response_body', t.json)
      .addColumn('error_message', 'text')
      .addColumn('executed_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .execute();
    await db.schema.createIndex('endpoint_executions_account_endpoint_idx').on('endpoint_executions').columns(['account_id', 'endpoint_id', 'executed_at']).execute();
    await db.schema.createIndex('endpoint_executions_endpoint_idx').on('endpoint_executions').columns(['endpoint_id', 'executed_at']).execute();

    // Webhook-triggered workflows are found by the SHA-256 hex of their URL token
    // (`POST /workflow-webhooks/{token}` arrives without credentials or account).
    await db.schema
      .createTable('workflows')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('account_id', t.id, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('name', 'varchar(200)', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('trigger_type', 'varchar(20)', (c) => c.notNull())
      .addColumn('trigger_config', t.json)
      .addColumn('webhook_token_hash', 'varchar(64)', (c) => c.unique())
      .addColumn('steps', t.json, (c) => c.notNull().defaultTo('[]'))
      .addColumn('enabled', t.bool, (c) => c.notNull().defaultTo(t.true))
      .addColumn('created_by', t.id, (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .addColumn('updated_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .execute();
    await db.schema.createIndex('workflows_account_trigger_idx').on('workflows').columns(['account_id', 'trigger_type', 'enabled']).execute();

    await db.schema
      .createTable('workflow_instances')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('account_id', t.id, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('workflow_id', t.id, (c) => c.notNull().references('workflows.id').onDelete('cascade'))
      .addColumn('status', 'varchar(20)', (c) => c.notNull().defaultTo('pending'))
      .addColumn('current_step', 'varchar(200)')
      .addColumn('context', t.json)
      .addColumn('error_message', 'text')
      .addColumn('resume_job_id', t.id)
      .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .addColumn('started_at', t.timestamp)
      .addColumn('completed_at', t.timestamp)
      .execute();
    await db.schema.createIndex('workflow_instances_account_workflow_idx').on('workflow_instances').columns(['account_id', 'workflow_id', 'created_at']).execute();
    await db.schema.createIndex('workflow_instances_workflow_idx').on('workflow_instances').columns(['workflow_id', 'status']).execute();

    await db.schema
      .createTable('workflow_step_logs')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('account_id', t.id, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('workflow_id', t.id, (c) => c.notNull().references('workflows.id').onDelete('cascade'))
      .addColumn('instance_id', t.id, (c) => c.notNull().references('workflow_instances.id').onDelete('cascade'))
      .addColumn('step_name', 'varchar(200)', (c) => c.notNull())
      .addColumn('step_type', 'varchar(50)', (c) => c.notNull())
      .addColumn('status', 'varchar(20)', (c) => c.notNull())
      .addColumn('input', t.json)
      .addColumn('output', t.json)
      .addColumn('error_message', 'text')
      .addColumn('started_at', t.timestamp, (c) => c.notNull().defaultTo(t.now))
      .addColumn('completed_at', t.timestamp)
      .execute();
    await db.schema.createIndex('workflow_step_logs_account_instance_idx').on('workflow_step_logs').columns(['account_id', 'instance_id']).execute();
    await db.schema.createIndex('workflow_step_logs_instance_idx').on('workflow_step_logs').columns(['instance_id', 'started_at']).execute();
    await db.schema.createIndex('workflow_step_logs_workflow_idx').on('workflow_step_logs').column('workflow_id').execute();
  },

  async down(db) {
    for (const table of [
      'workflow_step_logs',
      'workflow_instances',
      'workflows',
      'endpoint_executions',
      'endpoints',
      'hook_executions',
      'hooks',
      'jobs',
      'webhook_deliveries',
      'webhooks',
    ]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
