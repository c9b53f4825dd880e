import type { SnackMigration } from './migration';
import { identityMigration } from './0001-identity';
import { authTokensMigration } from './0002-auth-tokens';
import { collectionsMigration } from './0003-collections';
import { configurationAndMailMigration } from './0004-configuration-and-mail';
import { auditLogMigration } from './0005-audit-log';
import { automationMigration } from './0006-automation';
import { auditPendingMigration } from './0007-audit-pending';

/**
 * Every migration in order. Names are sortable and never change once released: Kysely's
 * Migrator records them in `kysely_migration` and refuses a history it does not recognise.
 */
export const SYSTEM_MIGRATIONS: ReadonlyArray<readonly [name: string, migration: SnackMigration]> = [
  ['0001-identity', identityMigration],
  ['0002-auth-tokens', authTokensMigration],
  ['0003-collections', collectionsMigration],
  ['0004-configuration-and-mail', configurationAndMailMigration],
  ['0005-audit-log', auditLogMigration],
  ['0006-automation', automationMigration],
  ['0007-audit-pending', auditPendingMigration],
];
