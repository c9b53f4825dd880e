/**
 * Stable machine codes of error bodies (`code` in {@link ErrorBody}). Clients switch on these;
 * a code once published is never renamed.
 */
export const ERROR_CODES = [
  'bad_request',
  'invalid_json',
  'invalid_request',
  'validation_failed',
  'unknown_field',
  'unauthorized',
  'invalid_credentials',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'conflict',
  'unique_violation',
  'payload_too_large',
  'unsupported_media_type',
  'too_many_requests',
  'internal_error',
  'service_unavailable',
  // collections, records, rules (spec §3–§5)
  'invalid_filter',
  'invalid_sort',
  'invalid_expand',
  'invalid_cursor',
  'invalid_aggregation',
  'invalid_rule',
  'unsupported_query_parameter',
  'field_access_denied',
  'batch_too_large',
  'referenced_record',
  'schema_conflict',
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];
