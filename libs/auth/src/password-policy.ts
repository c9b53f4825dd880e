/** One unmet requirement of the password policy (spec §2.9). */
export interface PasswordProblem {
  readonly field: 'password';
  readonly code: 'password_too_short' | 'password_no_uppercase' | 'password_no_lowercase' | 'password_no_digit' | 'password_no_special' | 'password_too_long';
  readonly message: string;
}

export const PASSWORD_MIN_LENGTH = 12;
/** Argon2 hashes any length, but an unbounded input is a CPU lever for an attacker. */
export const PASSWORD_MAX_LENGTH = 1024;
const SPECIAL = /[!@#$%^&*()_+\-=[\]{};':"\\|,.<>/?`~]/;

/**
 * Every way `password` breaks the policy, all at once (an empty list means it is fine):
 * at least 12 characters, an upper-case and a lower-case letter, a digit and a special character.
 */
export function passwordProblems(password: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const add = (code: PasswordProblem['code'], message: string) => problems.push({ field: 'password', code, message });
  if (password.length < PASSWORD_MIN_LENGTH) add('password_too_short', `Password must be at least ${PASSWORD_MIN_LENGTH} characters`);
  if (password.length > PASSWORD_MAX_LENGTH) add('password_too_long', `Password must be at most ${PASSWORD_MAX_LENGTH} characters`);
  if (!/[A-Z]/.test(password)) add('password_no_uppercase', 'Password must contain at least one uppercase letter');
  if (!/[a-z]/.test(password)) add('password_no_lowercase', 'Password must contain at least one lowercase letter');
  if (!/\d/.test(password)) add('password_no_digit', 'Password must contain at least one digit');
  if (!SPECIAL.test(password)) add('password_no_special', 'Password must contain at least one special character');
  return problems;
}
