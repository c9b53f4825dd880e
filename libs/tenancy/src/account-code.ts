import { sql, type Kysely } from 'kysely';
import type { GlobalDatabase, SqlDialect } from '@snackbase/db';

/** The system account's code; never handed out to a tenant. */
export const SYSTEM_ACCOUNT_CODE = 'SY0000';
const CODE = /^[A-Z]{2}\d{4}$/;
const A = 'A'.charCodeAt(0);

/** True for a well-formed account code (`XX####`). */
export function isAccountCode(value: string): boolean {
  return CODE.test(value);
}

/** Thrown when every code up to ZZ9999 is taken. */
export class AccountCodesExhaustedError extends Error {
  override readonly name = 'AccountCodesExhaustedError';
  constructor() {
    super('no account codes left (ZZ9999 reached)');
  }
}

/**
 * The code after `previous` (spec §2.10): the number counts up, 9999 rolls over to 0000 of the
 * next letter pair, the pair `SY` is skipped, nothing comes after ZZ9999. `null` → `AA0001`.
 */
export function nextAccountCode(previous: string | null): string {
  if (previous === null) return 'AA0001';
  if (!isAccountCode(previous)) throw new Error(`not an account code: ${previous}`);
  let pair = (previous.charCodeAt(0) - A) * 26 + (previous.charCodeAt(1) - A);
  let number = Number(previous.slice(2)) + 1;
  if (number > 9999) {
    number = 0;
    pair += 1;
  }
  const sy = ('S'.charCodeAt(0) - A) * 26 + ('Y'.charCodeAt(0) - A);
  if (pair === sy) {
    pair += 1;
    number = 0;
  }
  if (pair >= 26 * 26) throw new AccountCodesExhaustedError();
  const letters = String.fromCharCode(A + Math.floor(pair / 26), A + (pair % 26));
  return `${letters}${String(number).padStart(4, '0')}`;
}

// Any constant works; it only has to be the same in every instance.
const ACCOUNT_CODE_LOCK = 0x5b_ac_c0de;

/**
 * Picks the next free code inside the caller's transaction. On PostgreSQL a transaction-scoped
 * advisory lock serialises allocators across instances until commit; on SQLite the write
 * transaction (`BEGIN IMMEDIATE`) already does. So parallel account creations never collide.
 */
export async function allocateAccountCode(trx: Kysely<GlobalDatabase>, dialect: SqlDialect): Promise<string> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${ACCOUNT_CODE_LOCK})`.execute(trx);
  const last = await trx
    .selectFrom('accounts')
    .select('account_code')
    .where('account_code', 'not like', 'SY%')
    .orderBy('account_code', 'desc')
    .limit(1)
    .executeTakeFirst();
  return nextAccountCode(last?.account_code ?? null);
}
