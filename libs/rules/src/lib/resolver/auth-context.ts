/**
 * The principal a rule is evaluated for. `null`/absent means anonymous: every
 * `@request.auth.*` value is then NULL and `@has_group`/`@has_role` are false.
 */
export interface AuthContext {
  readonly id: string;
  readonly email?: string | null;
  readonly role?: string | null;
  readonly account_id?: string | null;
  readonly groups?: readonly string[];
}

/** The `@request.auth.<name>` variables rules may use (`groups` only through `@has_group`). */
export const AUTH_VARIABLES: readonly string[] = Object.freeze(['id', 'email', 'role', 'account_id']);

/** Reads one auth variable without touching the prototype chain; unknown or absent → null. */
export function readAuthVariable(auth: AuthContext | null | undefined, name: string): string | null {
  if (!auth || !AUTH_VARIABLES.includes(name) || !Object.hasOwn(auth, name)) return null;
  const value = (auth as unknown as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : null;
}
