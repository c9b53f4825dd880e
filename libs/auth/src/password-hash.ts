import { hash, verify } from '@node-rs/argon2';

// OWASP's Argon2id recommendation (m=19 MiB, t=2, p=1) is the floor; SnackBase matches the
// reference's argon2-cffi defaults (64 MiB, t=3, p=4) so hashes migrated from it verify alike.
const OPTIONS = { algorithm: 2 /* Argon2id */, memoryCost: 65536, timeCost: 3, parallelism: 4, outputLen: 32 } as const;

/** The Argon2id PHC string of `password` (`$argon2id$v=19$m=65536,t=3,p=4$…`). */
export async function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

/** True when `password` matches `phc`; false (never a throw) for a malformed or foreign hash. */
export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  try {
    return await verify(phc, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;

/**
 * Spends the same time as a real verification, for "no such account/user" paths, so response
 * timing does not reveal which emails exist. Always resolves false.
 */
export async function verifyDummyPassword(password: string): Promise<false> {
  dummy ??= hashPassword('dummy-password-for-timing-equalisation');
  await verifyPassword(await dummy, password);
  return false;
}
