import type { SnackDatabase } from '@snackbase/db';
import type { Audit } from '../audit';
import type { CollectionCatalog } from '../collections';
import type { Config } from '../config';
import type { AppHooks } from '../events';
import type { Logger } from '../logging';
import type { RuleGates } from '../access';
import type { RecordScopes } from './record-scope';

/** What the record operations need; built once in `createCore`. */
export interface RecordsDeps {
  readonly db: SnackDatabase;
  readonly config: Pick<Config, 'records'>;
  readonly logger: Logger;
  readonly catalog: CollectionCatalog;
  readonly gates: RuleGates;
  readonly scopes: RecordScopes;
  readonly hooks: AppHooks;
  readonly audit: Audit;
}
