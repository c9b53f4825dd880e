import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../column-types';

/**
 * One versioned schema change. `up` and `down` get the dialect's column types, so one file
 * serves SQLite and PostgreSQL; a branch on `t.dialect` handles what truly differs (triggers).
 */
export interface SnackMigration {
  up(db: Kysely<any>, t: ColumnTypes): Promise<void>; // eslint-disable-line @typescript-eslint/no-explicit-any
  down(db: Kysely<any>, t: ColumnTypes): Promise<void>; // eslint-disable-line @typescript-eslint/no-explicit-any
}
