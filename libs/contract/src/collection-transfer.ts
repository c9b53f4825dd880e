/**
 * Export and import of collection definitions, rules and (optionally) records (spec §3.7).
 *
 * The file is the reference's `{version, exported_at, exported_by, collections:[{name, schema,
 * rules}]}`; with `include_records=true` every collection also carries `records`: its rows of
 * every account, with all system fields (`id`, `account_id`, `created_at`, `created_by`,
 * `updated_at`, `updated_by`), so an import into another database keeps ids and owners.
 *
 * Import strategies (a fix of reference §12.3 item 32):
 * - `error` (default): if ANY collection of the file already exists the import is refused with
 *   409 before anything is written; if a later step fails, everything this import created is
 *   removed again. Either the whole file is imported or nothing is.
 * - `skip`: existing collections are left untouched (their records in the file are not imported).
 * - `update`: existing collections get the file's schema AND rules; the file's records are added
 *   (a record whose id already exists is reported, not overwritten).
 * Records whose `account_id` names no account in this database are reported, never inserted.
 */

export const IMPORT_STRATEGIES = ['error', 'skip', 'update'] as const;
export type ImportStrategy = (typeof IMPORT_STRATEGIES)[number];

/** Rules of one collection (spec §5.1), as stored, answered and exported: null = locked, '' = public. */
export interface ExportedRules {
  readonly list_rule: string | null;
  readonly view_rule: string | null;
  readonly create_rule: string | null;
  readonly update_rule: string | null;
  readonly delete_rule: string | null;
  readonly list_fields: string;
  readonly view_fields: string;
  readonly create_fields: string;
  readonly update_fields: string;
}

/** One record as exported: system fields plus the collection's stored fields. */
export type ExportedRecord = Readonly<Record<string, unknown>>;

export interface ExportedCollection {
  readonly name: string;
  /** Field objects exactly as stored (spec §3.2). */
  readonly schema: ReadonlyArray<Readonly<Record<string, unknown>>>;
  readonly rules?: Partial<ExportedRules>;
  /** Present when exported with `include_records=true`. */
  readonly records?: readonly ExportedRecord[];
}

export interface CollectionExportFile {
  readonly version: string;
  readonly exported_at?: string;
  readonly exported_by?: string;
  readonly collections: readonly ExportedCollection[];
}

export type ImportItemStatus = 'imported' | 'skipped' | 'updated' | 'error';

export interface ImportedCollectionResult {
  readonly name: string;
  readonly status: ImportItemStatus;
  readonly message: string;
  /** Records of this collection inserted by the import. */
  readonly records_imported: number;
  /** Records of this collection left out (unknown account, id already present). */
  readonly records_skipped: number;
}

/** A record left out of the import, and why. */
export interface SkippedRecord {
  readonly collection: string;
  readonly id: string | null;
  readonly account_id: string | null;
  readonly reason: string;
}

export interface CollectionImportResponse {
  readonly success: boolean;
  readonly imported_count: number;
  readonly skipped_count: number;
  readonly updated_count: number;
  readonly failed_count: number;
  readonly collections: readonly ImportedCollectionResult[];
  readonly migrations_created: readonly string[];
  /** Records inserted, over all collections. */
  readonly records_imported: number;
  /** The first {@link MAX_REPORTED_SKIPPED_RECORDS} records left out. */
  readonly skipped_records: readonly SkippedRecord[];
}

/** How many left-out records an import response names one by one. */
export const MAX_REPORTED_SKIPPED_RECORDS = 100;

/** `GET /collections/export`: query values arrive as strings. */
export const collectionExportQuerySchema = {
  type: 'object',
  properties: {
    collection_ids: { type: 'string', maxLength: 10000, description: 'Comma-separated collection ids; all when omitted; unknown ids are skipped' },
    include_records: { type: 'string', enum: ['true', 'false', '1', '0'], description: 'Also export every record of every account (default false)' },
  },
} as const;

const rulesSchema = {
  type: 'object',
  properties: {
    list_rule: { type: ['string', 'null'] },
    view_rule: { type: ['string', 'null'] },
    create_rule: { type: ['string', 'null'] },
    update_rule: { type: ['string', 'null'] },
    delete_rule: { type: ['string', 'null'] },
    list_fields: { type: 'string' },
    view_fields: { type: 'string' },
    create_fields: { type: 'string' },
    update_fields: { type: 'string' },
  },
} as const;

export const collectionImportRequestSchema = {
  $id: 'CollectionImportRequest',
  type: 'object',
  required: ['data'],
  properties: {
    data: {
      type: 'object',
      required: ['version', 'collections'],
      properties: {
        version: { type: 'string', maxLength: 20 },
        exported_at: { type: ['string', 'null'] },
        exported_by: { type: ['string', 'null'] },
        collections: {
          type: 'array',
          items: {
            type: 'object',
            required: ['name', 'schema'],
            properties: {
              name: { type: 'string', minLength: 1, maxLength: 64 },
              schema: { type: 'array', items: { type: 'object' } },
              rules: rulesSchema,
              records: { type: 'array', items: { type: 'object' } },
            },
          },
        },
      },
    },
    strategy: { type: 'string', enum: IMPORT_STRATEGIES, default: 'error' },
  },
} as const;

export const collectionImportResponseSchema = {
  $id: 'CollectionImportResponse',
  type: 'object',
  required: ['success', 'imported_count', 'skipped_count', 'updated_count', 'failed_count', 'collections', 'migrations_created', 'records_imported'],
  properties: {
    success: { type: 'boolean' },
    imported_count: { type: 'integer' },
    skipped_count: { type: 'integer' },
    updated_count: { type: 'integer' },
    failed_count: { type: 'integer' },
    collections: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'status', 'message'],
        properties: {
          name: { type: 'string' },
          status: { type: 'string', enum: ['imported', 'skipped', 'updated', 'error'] },
          message: { type: 'string' },
          records_imported: { type: 'integer' },
          records_skipped: { type: 'integer' },
        },
      },
    },
    migrations_created: { type: 'array', items: { type: 'string' } },
    records_imported: { type: 'integer' },
    skipped_records: {
      type: 'array',
      items: {
        type: 'object',
        properties: { collection: { type: 'string' }, id: { type: ['string', 'null'] }, account_id: { type: ['string', 'null'] }, reason: { type: 'string' } },
      },
    },
  },
} as const;

export const collectionExportResponseSchema = {
  $id: 'CollectionExportFile',
  type: 'object',
  required: ['version', 'exported_at', 'exported_by', 'collections'],
  properties: {
    version: { type: 'string' },
    exported_at: { type: 'string' },
    exported_by: { type: 'string' },
    collections: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'schema', 'rules'],
        properties: { name: { type: 'string' }, schema: { type: 'array', items: { type: 'object' } }, rules: rulesSchema, records: { type: 'array', items: { type: 'object' } } },
      },
    },
  },
} as const;
