import { SYSTEM_ACCOUNT_ID } from '../accounts';

/** Who is calling: a signed-in user (of one login session) or nobody. */
export type Principal =
  | {
      readonly kind: 'user';
      readonly userId: string;
      readonly accountId: string;
      readonly email: string;
      readonly role: string;
      /** The login session (refresh-token family) the credential belongs to. */
      readonly sessionId: string;
      readonly isSuperadmin: boolean;
    }
  | { readonly kind: 'anonymous' };

export const ANONYMOUS: Principal = Object.freeze({ kind: 'anonymous' });

/** True for a user of the system account (spec §2.14). */
export function isSuperadminAccount(accountId: string): boolean {
  return accountId === SYSTEM_ACCOUNT_ID;
}
