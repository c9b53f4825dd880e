import type { Defaulted } from './column-helpers';
import type { DbBool, DbJson, Timestamp } from './identity-tables';

/** A provider configuration; system-level rows belong to the system account with `is_system`. */
export interface ConfigurationsTable {
  id: string;
  account_id: string;
  category: string;
  provider_name: string;
  display_name: string;
  logo_url: string | null;
  config_schema: DbJson;
  /** Provider values; secret-named keys encrypted at rest. */
  config: DbJson;
  enabled: DbBool;
  is_builtin: DbBool;
  is_system: DbBool;
  is_default: DbBool;
  priority: Defaulted<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface EmailTemplatesTable {
  id: string;
  account_id: string;
  template_type: string;
  locale: Defaulted<string>;
  subject: string;
  html_body: string;
  text_body: string;
  enabled: DbBool;
  is_builtin: DbBool;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** One send attempt. `variables` are stored with raw tokens and links redacted. */
export interface EmailLogsTable {
  id: string;
  account_id: string | null;
  template_type: string;
  recipient_email: string;
  provider: string;
  /** `pending` | `sent` | `failed`. */
  status: Defaulted<string>;
  error_message: string | null;
  variables: DbJson;
  sent_at: Timestamp;
}
