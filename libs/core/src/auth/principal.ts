import { SYSTEM_ACCOUNT_ID } from '../accounts';

/** Who is calling: a signed-in user (of one login session or one API key) or nobody. */
export type Principal =
  | {
      readonly kind: 'user';
      readonly userId: string;
      readonly accountId: string;
      readonly email: string;
      readonly role: string;
      /**
       * The login session (refresh-token family) the credential belongs to. For an API key it
       * is `api_key:<key id>`, which names no session: logout and session checks skip it.
       */
      readonly sessionId: string;
      readonly isSuperadmin: boolean;
      /** How the caller proved who they are: absent for an access token, `'api_key'` for a key. */
      readonly via?: 'api_key';
      /** The API key the request carried, when `via` is `'api_key'`. */
      readonly apiKeyId?: string;
    }
  | { readonly kind: 'anonymous' };

export const ANONYMOUS: Principal = Object.freeze({ kind: 'anonymous' });

/** True for a user of the system account (spec §2.14). */
export function isSuperadminAccount(accountId: string): boolean {
  return accountId === SYSTEM_ACCOUNT_ID;
}
