import type { Kysely } from 'kysely';
import type { SqlDialect } from '../database-url';
import { hasDefault } from './collection-column';
import { CollectionDdlError } from './collection-ddl-error';
import type { AlterPlan } from './alter-plan';
import { storedDefault } from './column-sql';
import { hasAccountWithManyRows, hasDuplicatesInAccount, hasNulls, hasRows } from './table-checks';

type Db = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const notNull = (field: string, why: string) => new CollectionDdlError('not_null_violation', `Field '${field}' cannot be required: ${why}`, field);
const duplicate = (field: string) =>
  new CollectionDdlError('unique_violation', `Field '${field}' cannot be unique: some records of one account share a value`, field);

/**
 * Refuses a change the existing rows would violate, before any DDL runs: a required field
 * without default over NULLs or on a non-empty table, a unique field over values repeated
 * within one account (NULLs filled with the default count as that value).
 */
export async function assertDataFits(db: Db, dialect: SqlDialect, table: string, plan: AlterPlan): Promise<void> {
  for (const column of plan.added) {
    if (column.required && !hasDefault(column) && (await hasRows(db, table))) {
      throw notNull(column.name, 'the collection has records and the field has no default');
    }
    if (column.unique && hasDefault(column) && (await hasAccountWithManyRows(db, table))) throw duplicate(column.name);
  }
  for (const { from, to } of plan.kept) {
    const fill = to.required && !from.required ? storedDefault(dialect, to) : undefined;
    if (to.required && !from.required && fill === undefined && (await hasNulls(db, table, from.name))) {
      throw notNull(to.name, 'some records have no value and the field has no default');
    }
    const becomesUnique = to.unique && !from.unique;
    if ((becomesUnique || (to.unique && fill !== undefined)) && (await hasDuplicatesInAccount(db, table, from.name, fill))) throw duplicate(to.name);
  }
}
