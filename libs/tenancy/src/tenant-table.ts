import {
  sql,
  type DeleteQueryBuilder,
  type DeleteResult,
  type Insertable,
  type InsertQueryBuilder,
  type InsertResult,
  type Kysely,
  type QueryCreator,
  type SelectQueryBuilder,
  type Updateable,
  type UpdateQueryBuilder,
  type UpdateResult,
} from 'kysely';
import type { GlobalDatabase, SystemDatabase, TenantTableName } from '@snackbase/db';
import { TenancyError, type TenantScope } from './tenant-scope';

type Row<DB, TB extends keyof DB> = DB[TB];
/** Values a caller may write: anything but `account_id`, which comes from the scope. */
export type TenantInsert<DB, TB extends keyof DB> = Omit<Insertable<Row<DB, TB>>, 'account_id'>;
export type TenantUpdate<DB, TB extends keyof DB> = Omit<Updateable<Row<DB, TB>>, 'account_id'>;

/**
 * A table whose every statement is confined to one scope: reads, updates and deletes carry
 * `account_id = ?`, inserts get `account_id` stamped from the scope. An all-accounts scope reads,
 * updates and deletes across accounts but cannot insert (a row needs one owner).
 */
export interface TenantTable<DB, TB extends keyof DB & string> {
  readonly table: TB;
  readonly scope: TenantScope;
  /** `SELECT … FROM table WHERE table.account_id = ?`; add columns and conditions. */
  select(): SelectQueryBuilder<DB, TB, object>;
  /** `INSERT INTO table` with `account_id` stamped on every row. */
  insert(values: TenantInsert<DB, TB> | ReadonlyArray<TenantInsert<DB, TB>>): InsertQueryBuilder<DB, TB, InsertResult>;
  /** `UPDATE table SET … WHERE account_id = ?`; add the row condition. */
  update(values: TenantUpdate<DB, TB>): UpdateQueryBuilder<DB, TB, TB, UpdateResult>;
  /** `DELETE FROM table WHERE account_id = ?`; add the row condition. */
  delete(): DeleteQueryBuilder<DB, TB, DeleteResult>;
}

function refuseAccountId(values: object): void {
  if (Object.prototype.hasOwnProperty.call(values, 'account_id')) {
    throw new TenancyError('account_id is set from the tenant scope, never by the caller');
  }
}

// The builders are typed for the caller by the interface; inside, one untyped Kysely keeps the
// generic plumbing readable. The scope condition is the one thing this file exists to add.
function createTenantTable<DB, TB extends keyof DB & string>(
  db: QueryCreator<any>, // eslint-disable-line @typescript-eslint/no-explicit-any
  scope: TenantScope,
  table: TB,
): TenantTable<DB, TB> {
  const accountRef = sql.ref(`${table}.account_id`);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const scoped = (qb: any): unknown => (scope.kind === 'account' ? qb.where(accountRef, '=', scope.accountId) : qb);
  return Object.freeze({
    table,
    scope,
    select: () => scoped(db.selectFrom(table)) as never,
    insert(values: TenantInsert<DB, TB> | ReadonlyArray<TenantInsert<DB, TB>>) {
      if (scope.kind !== 'account') throw new TenancyError(`cannot insert into ${table} without a single-account scope`);
      const rows = (Array.isArray(values) ? values : [values]) as object[];
      rows.forEach(refuseAccountId);
      return db.insertInto(table).values(rows.map((r) => ({ ...r, account_id: scope.accountId }))) as never;
    },
    update(values: TenantUpdate<DB, TB>) {
      refuseAccountId(values as object);
      return scoped(db.updateTable(table).set(values as never)) as never;
    },
    delete: () => scoped(db.deleteFrom(table)) as never,
  });
}

/**
 * The only way to reach a system tenant table (`users`, `groups`, …).
 * @example
 * const users = tenantTable(db.kysely, accountScope(ctx.accountId), 'users');
 * const list = await users.select().selectAll().where('email', '=', email).execute();
 */
export function tenantTable<TB extends TenantTableName>(
  db: Kysely<GlobalDatabase>,
  scope: TenantScope,
  table: TB,
): TenantTable<SystemDatabase, TB> {
  return createTenantTable<SystemDatabase, TB>(db as unknown as Kysely<SystemDatabase>, scope, table);
}

/**
 * The same guard for a table that is not in the static schema (a collection's `col_<name>`).
 * Rows are untyped; the collection module validates them against the collection schema.
 * `db` may also be a query creator carrying CTEs (`db.with(…)`): its statements start with them.
 */
export function dynamicTenantTable(
  db: QueryCreator<GlobalDatabase>,
  scope: TenantScope,
  table: string,
): TenantTable<Record<string, Record<string, unknown>>, string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(table)) throw new TenancyError(`invalid table name ${JSON.stringify(table)}`);
  return createTenantTable(db as unknown as QueryCreator<Record<string, Record<string, unknown>>>, scope, table);
}

/** A row for {@link dynamicTenantInsert} and the one-account scope that owns it. */
export interface OwnedRow {
  readonly scope: TenantScope;
  readonly values: Record<string, unknown>;
}

/**
 * One `INSERT INTO table` of rows that may belong to different accounts, each row's
 * `account_id` stamped from its own single-account scope: for writers that batch the creates of
 * several tenants into one statement. The same guards as {@link TenantTable.insert}, per row.
 * @example await dynamicTenantInsert(db.kysely, 'col_posts', [{ scope: accountScope(a), values: rowA }, { scope: accountScope(b), values: rowB }]).execute();
 */
export function dynamicTenantInsert(db: QueryCreator<GlobalDatabase>, table: string, rows: readonly OwnedRow[]): InsertQueryBuilder<Record<string, Record<string, unknown>>, string, InsertResult> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(table)) throw new TenancyError(`invalid table name ${JSON.stringify(table)}`);
  if (rows.length === 0) throw new TenancyError(`nothing to insert into ${table}`);
  const stamped = rows.map(({ scope, values }) => {
    if (scope.kind !== 'account') throw new TenancyError(`cannot insert into ${table} without a single-account scope`);
    refuseAccountId(values);
    return { ...values, account_id: scope.accountId };
  });
  return (db as unknown as QueryCreator<Record<string, Record<string, unknown>>>).insertInto(table).values(stamped);
}
