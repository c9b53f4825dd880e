import type { Expression, SelectQueryBuilder, SqlBool } from 'kysely';
import type { SnackDatabase } from '@snackbase/db';
import { dynamicTenantTable, type TenantScope } from '@snackbase/tenancy';
import type { RuleGate } from '../access';
import type { CollectionModel } from '../collections';

/** A select over a collection table: its rows are untyped until `fromStoredRow`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RecordSelect = SelectQueryBuilder<any, any, any>;

/**
 * `SELECT … FROM col_<name>` confined to `scope` by the tenant guard (it adds
 * `col_<name>.account_id = ?`), plus the gate's row condition. Every read starts here, so no
 * read can leave the caller's account or skip the rule.
 */
export function gatedSelect(db: SnackDatabase, scope: TenantScope, model: CollectionModel, gate: RuleGate): RecordSelect {
  const qb = dynamicTenantTable(db.kysely, scope, model.tableName).select() as RecordSelect;
  return gate.kind === 'where' ? qb.where(gate.where) : qb;
}

/** ANDs optional conditions onto a select. */
export function whereAll(qb: RecordSelect, conditions: readonly (Expression<SqlBool> | undefined)[]): RecordSelect {
  return conditions.reduce<RecordSelect>((q, c) => (c ? q.where(c) : q), qb);
}
