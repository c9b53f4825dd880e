import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { ErrorDetail } from '@snackbase/contract';
import { translateDbError, type GlobalDatabase, type SnackDatabase } from '@snackbase/db';
import type { RequestContext } from '../context';
import { AppError, forbidden, unauthorized, validationFailed } from '../errors';
import { awaitBeforeHook } from '../events';

/**
 * How a write joins a larger unit of work (e.g. an import of several collections in one
 * transaction): with `trx` the write runs inside it and hands its after-commit work (after-hooks,
 * cache invalidation) to `afterCommit`, which the caller runs once it has committed.
 */
export interface CollectionWriteOptions {
  readonly trx?: Transaction<GlobalDatabase>;
  readonly afterCommit?: (work: () => Promise<void>) => void;
}

/** Runs `write` in its own transaction (or the caller's) and `after` once committed. */
export async function runWrite<T>(
  db: SnackDatabase,
  options: CollectionWriteOptions,
  write: (trx: Transaction<GlobalDatabase>) => Promise<T>,
  after: (result: T) => Promise<void>,
): Promise<T> {
  if (options.trx) {
    const result = await write(options.trx);
    const work = () => after(result);
    if (options.afterCommit) options.afterCommit(work);
    return result;
  }
  const result = await db.transaction(write);
  await after(result);
  return result;
}

/** Collections are managed by superadmins only (spec §3); the routes check first, core again. */
export function requireSuperadmin(ctx: RequestContext): void {
  if (ctx.principal.kind !== 'user') throw unauthorized();
  if (!ctx.principal.isSuperadmin) throw forbidden('Superadmin access required');
}

/** Awaits a before-hook (see {@link awaitBeforeHook}). */
export const beforeHook = awaitBeforeHook;

/** A migration revision id (≤ 32 chars, spec §3.6), 12 hex digits like the reference's. */
export const newRevision = (): string => randomUUID().replace(/-/g, '').slice(0, 12);

/** 409 `schema_conflict`: the existing data cannot take the new schema; nothing was changed. */
export function schemaConflict(field: string | undefined, message: string): AppError {
  const details: ErrorDetail[] = [{ ...(field ? { field } : {}), message, code: 'schema_conflict' }];
  return new AppError(409, 'schema_conflict', 'Conflict', message, details, field ? { field } : undefined);
}

interface DdlErrorLike {
  readonly name?: string;
  readonly code?: string;
  readonly field?: string;
}

/**
 * The client error for a failed table migration: existing rows that break a new NOT NULL or
 * UNIQUE are a 409 naming the field; a bad default or a missing reference table a 400.
 * Anything else is returned unchanged (a 500 for the error handler).
 */
export function ddlFailure(error: unknown): unknown {
  const e = (error ?? {}) as DdlErrorLike;
  if (e.name === 'CollectionDdlError') {
    const field = e.field;
    const where = field ? `Field '${field}'` : 'A field';
    switch (e.code) {
      case 'not_null_violation':
        return schemaConflict(field, `${where} cannot be required: existing records have no value for it`);
      case 'unique_violation':
        return schemaConflict(field, `${where} cannot be unique: existing records of one account share a value`);
      case 'invalid_default':
        return validationFailed([{ field, message: `${where} has a default the column cannot take`, code: 'field_default_invalid' }]);
      case 'missing_reference_table':
        return validationFailed([{ field, message: `${where} references a collection that does not exist`, code: 'reference_collection_not_found' }]);
      case 'invalid_name':
        return validationFailed([{ field, message: `${where} has a name the database cannot use`, code: 'field_name_invalid_format' }]);
    }
  }
  const db = translateDbError(error);
  if (db?.kind === 'unique') return schemaConflict(db.columns.filter((c) => c !== 'account_id')[0], 'Existing records of one account share a value of a field that would become unique');
  if (db?.kind === 'not_null') return schemaConflict(db.columns[0], 'Existing records have no value for a field that would become required');
  return error;
}
