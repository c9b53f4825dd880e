import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { nowIso, type GlobalDatabase, type SqlDialect } from '@snackbase/db';
import { allocateAccountCode } from '@snackbase/tenancy';

/** An account as the APIs return it. */
export interface AccountRow {
  readonly id: string;
  readonly account_code: string;
  readonly slug: string;
  readonly name: string;
  readonly created_at: string;
  readonly updated_at: string;
}

/**
 * Inserts an account with the next free code, inside the caller's transaction (so a failure of
 * whatever else the caller writes removes the account too). The slug must already be valid.
 */
export async function insertAccount(trx: Kysely<GlobalDatabase>, dialect: SqlDialect, input: { name: string; slug: string }): Promise<AccountRow> {
  const now = nowIso();
  const row: AccountRow = { id: randomUUID(), account_code: await allocateAccountCode(trx, dialect), slug: input.slug, name: input.name, created_at: now, updated_at: now };
  await trx.insertInto('accounts').values(row).execute();
  return row;
}

/** True when an account already has `slug`. */
export async function slugTaken(db: Kysely<GlobalDatabase>, slug: string): Promise<boolean> {
  return (await db.selectFrom('accounts').select('id').where('slug', '=', slug).executeTakeFirst()) !== undefined;
}
