/**
 * Collections and collection rules request/response schemas (spec §3.2–§3.4, §5.6). Shapes and
 * types only: names, field definitions and rules are validated by core, which reports SnackBase's
 * error codes (400) rather than a 422. Unknown keys in collection bodies are ignored, as the
 * reference does; the rules PUT rejects them (422), as the reference does.
 */

const nullableString = { type: ['string', 'null'] } as const;

/** One field object of `schema` (spec §3.2); unknown keys (`min`, `label`, `encrypted`, …) are dropped. */
export const collectionFieldSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    type: { type: 'string' },
    required: { type: 'boolean' },
    default: {},
    unique: { type: 'boolean' },
    options: { type: ['object', 'null'] },
    collection: nullableString,
    on_delete: nullableString,
    pii: { type: 'boolean' },
    mask_type: nullableString,
    expression: nullableString,
    return_type: nullableString,
  },
} as const;

const fieldList = { type: 'array', maxItems: 500, items: collectionFieldSchema } as const;

/** A rule: null = locked, "" = public, else an expression. */
const ruleValue = { type: ['string', 'null'], maxLength: 10000 } as const;
/** A field list: "*" or a JSON-array string of field names (arrays themselves are a 422). */
const fieldListValue = { type: ['string', 'null'], maxLength: 10000 } as const;

const rulesProperties = {
  list_rule: ruleValue,
  view_rule: ruleValue,
  create_rule: ruleValue,
  update_rule: ruleValue,
  delete_rule: ruleValue,
  list_fields: fieldListValue,
  view_fields: fieldListValue,
  create_fields: fieldListValue,
  update_fields: fieldListValue,
} as const;

/** `POST /collections`: the fields under `schema` or (the SDK) `fields`, optional rules. */
export const createCollectionRequestSchema = {
  $id: 'CollectionCreate',
  type: 'object',
  properties: { name: { type: 'string' }, schema: fieldList, fields: fieldList, ...rulesProperties },
} as const;

/** `PUT /collections/{id}`: the full new field list; `renames` maps old field names to new ones. */
export const updateCollectionRequestSchema = {
  $id: 'CollectionUpdate',
  type: 'object',
  properties: {
    schema: fieldList,
    fields: fieldList,
    renames: { type: 'object', additionalProperties: { type: 'string' } },
  },
} as const;

/** `PUT /collections/{name}/rules`: partial by presence; extra keys are a 422 (spec §5.6). */
export const updateCollectionRulesRequestSchema = {
  $id: 'CollectionRulesUpdate',
  type: 'object',
  additionalProperties: false,
  properties: {
    ...rulesProperties,
    list_fields: { type: 'string', maxLength: 10000 },
    view_fields: { type: 'string', maxLength: 10000 },
    create_fields: { type: 'string', maxLength: 10000 },
    update_fields: { type: 'string', maxLength: 10000 },
  },
} as const;

/** `GET /collections?page&page_size&sort_by&sort_order&search` (query values are strings). */
export const listCollectionsQuerySchema = {
  type: 'object',
  properties: {
    page: { type: 'string', pattern: '^[1-9][0-9]{0,6}$' },
    page_size: { type: 'string', pattern: '^([1-9]|[1-9][0-9]|100)$' },
    sort_by: { type: 'string', maxLength: 64 },
    sort_order: { type: 'string', enum: ['asc', 'desc'] },
    search: { type: 'string', maxLength: 200 },
  },
} as const;

export const collectionResponseSchema = {
  $id: 'CollectionResponse',
  type: 'object',
  required: ['id', 'name', 'table_name', 'schema', 'created_at', 'updated_at'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    table_name: { type: 'string' },
    schema: { type: 'array', items: collectionFieldSchema },
    migration_revision: nullableString,
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
  },
} as const;

export const collectionListResponseSchema = {
  $id: 'CollectionListResponse',
  type: 'object',
  required: ['items', 'total', 'page', 'page_size', 'total_pages'],
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'name', 'table_name', 'fields_count', 'records_count', 'has_public_access', 'created_at'],
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          table_name: { type: 'string' },
          fields_count: { type: 'integer' },
          records_count: { type: 'integer' },
          has_public_access: { type: 'boolean' },
          created_at: { type: 'string' },
        },
      },
    },
    total: { type: 'integer' },
    page: { type: 'integer' },
    page_size: { type: 'integer' },
    total_pages: { type: 'integer' },
  },
} as const;

export const collectionNamesResponseSchema = {
  $id: 'CollectionNamesResponse',
  type: 'object',
  required: ['names', 'total'],
  properties: { names: { type: 'array', items: { type: 'string' } }, total: { type: 'integer' } },
} as const;

export const collectionDeletedResponseSchema = {
  $id: 'CollectionDeletedResponse',
  type: 'object',
  required: ['message', 'collection_id', 'collection_name', 'table_name', 'records_deleted', 'migration_revision', 'webhooks_deleted', 'hooks_deleted'],
  properties: {
    message: { type: 'string' },
    collection_id: { type: 'string' },
    collection_name: { type: 'string' },
    table_name: { type: 'string' },
    records_deleted: { type: 'integer' },
    migration_revision: { type: 'string' },
    /** Webhooks and API-defined hooks of any account that targeted the collection, removed with it. */
    webhooks_deleted: { type: 'integer' },
    hooks_deleted: { type: 'integer' },
  },
} as const;

const collectionDependentSchema = {
  type: 'object',
  required: ['id', 'account_id', 'label'],
  properties: { id: { type: 'string' }, account_id: { type: 'string' }, label: { type: 'string' } },
} as const;

export const collectionDeletionPreviewSchema = {
  $id: 'CollectionDeletionPreview',
  type: 'object',
  required: ['collection_id', 'collection_name', 'table_name', 'records_total', 'records_by_account', 'referencing_collections', 'files', 'webhooks', 'hooks'],
  properties: {
    collection_id: { type: 'string' },
    collection_name: { type: 'string' },
    table_name: { type: 'string' },
    records_total: { type: 'integer' },
    records_by_account: {
      type: 'array',
      items: {
        type: 'object',
        required: ['account_id', 'account_name', 'count'],
        properties: { account_id: { type: 'string' }, account_name: { type: 'string' }, count: { type: 'integer' } },
      },
    },
    referencing_collections: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'field', 'on_delete'],
        properties: { name: { type: 'string' }, field: { type: 'string' }, on_delete: { type: 'string' } },
      },
    },
    files: { type: 'integer' },
    /** What the delete also removes: webhooks and API-defined hooks that target the collection. */
    webhooks: { type: 'array', items: collectionDependentSchema },
    hooks: { type: 'array', items: collectionDependentSchema },
  },
} as const;

export const collectionRulesResponseSchema = {
  $id: 'CollectionRulesResponse',
  type: 'object',
  required: ['id', 'collection_id', 'list_rule', 'view_rule', 'create_rule', 'update_rule', 'delete_rule', 'list_fields', 'view_fields', 'create_fields', 'update_fields', 'created_at', 'updated_at'],
  properties: {
    id: { type: 'string' },
    collection_id: { type: 'string' },
    ...rulesProperties,
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
  },
} as const;
