import { Migrator, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import type { SnackDatabase } from './create-database';
import { SYSTEM_MIGRATIONS } from './migrations';

/** One migration as `migrate status` shows it. */
export interface MigrationState {
  readonly name: string;
  readonly executedAt: string | null;
}

/** Thrown when a migration fails; names it. Nothing of the failed migration stays applied. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  constructor(
    readonly migrationName: string | undefined,
    override readonly cause: unknown,
  ) {
    super(`migration ${migrationName ?? '(setup)'} failed: ${(cause as Error)?.message ?? String(cause)}`);
  }
}

function migrator(db: SnackDatabase): Migrator {
  const provider: MigrationProvider = {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const [name, m] of SYSTEM_MIGRATIONS) {
        out[name] = {
          up: (k: Kysely<any>) => m.up(k, db.columnTypes), // eslint-disable-line @typescript-eslint/no-explicit-any
          down: (k: Kysely<any>) => m.down(k, db.columnTypes), // eslint-disable-line @typescript-eslint/no-explicit-any
        };
      }
      return out;
    },
  };
  // On PostgreSQL Kysely takes an advisory lock around the run, so instances starting together
  // apply each migration once; on SQLite the BEGIN IMMEDIATE transaction serialises them.
  return new Migrator({ db: db.kysely, provider, migrationTableName: 'schema_migrations', migrationLockTableName: 'schema_migrations_lock' });
}

function check(result: MigrationResultSet): string[] {
  const failed = result.results?.find((r) => r.status === 'Error');
  if (result.error) throw new MigrationError(failed?.migrationName, result.error);
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Applies every pending migration; returns the names applied (none when up to date). */
export async function migrateToLatest(db: SnackDatabase): Promise<string[]> {
  return check(await migrator(db).migrateToLatest());
}

/** Reverts the newest applied migration; returns its name (empty when none was applied). */
export async function migrateDown(db: SnackDatabase): Promise<string[]> {
  return check(await migrator(db).migrateDown());
}

/** Every known migration with the time it was applied, or null when pending. */
export async function migrationStatus(db: SnackDatabase): Promise<MigrationState[]> {
  const infos = await migrator(db).getMigrations();
  return infos.map((m) => ({
    name: m.name,
    executedAt: m.executedAt ? m.executedAt.toISOString() : null,
  }));
}
