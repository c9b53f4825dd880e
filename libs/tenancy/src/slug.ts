/** Slugs are 3–32 characters (spec §2.10; a database check enforces the length too). */
export const SLUG_MIN = 3;
export const SLUG_MAX = 32;
const REGISTRATION_SLUG = /^[a-z][a-z0-9-]*$/;
const ADMIN_SLUG = /^[a-z0-9-]+$/;

function cut(slug: string): string {
  return slug.slice(0, SLUG_MAX).replace(/-+$/, '');
}

/**
 * The slug derived from an account name at registration (spec §2.10): NFKD, ASCII only,
 * lower-case, runs of other characters → `-`, no leading digits or hyphens, at most 32
 * characters; `account` when fewer than 3 remain.
 * @example deriveSlug('Café Ünïcode 42') // 'cafe-unicode-42'
 */
export function deriveSlug(name: string): string {
  const ascii = name.normalize('NFKD').replace(/[^\x00-\x7f]/g, '').toLowerCase(); // eslint-disable-line no-control-regex
  const slug = cut(ascii.replace(/[^a-z0-9]+/g, '-').replace(/^[-0-9]+/, '').replace(/-+$/, ''));
  return slug.length < SLUG_MIN ? 'account' : slug;
}

/**
 * The slug derived by the superadmin accounts API (spec §2.10): lower-case, other characters →
 * `-`, collapsed and trimmed, `account-` prefixed when shorter than 3, cut to 32.
 */
export function deriveAdminSlug(name: string): string {
  let slug = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-{2,}/g, '-').replace(/^-+|-+$/g, '');
  if (slug.length < SLUG_MIN) slug = `account-${slug}`.replace(/-+$/, '');
  return cut(slug);
}

/** Why a supplied slug is refused, or null when it is fine. `admin` uses the accounts-API rule. */
export function slugProblem(slug: string, rule: 'registration' | 'admin' = 'registration'): string | null {
  if (slug.length < SLUG_MIN || slug.length > SLUG_MAX) return `Slug must be between ${SLUG_MIN} and ${SLUG_MAX} characters`;
  if (rule === 'registration' && !REGISTRATION_SLUG.test(slug)) {
    return 'Slug must start with a letter and contain only lowercase letters, numbers, and hyphens';
  }
  if (rule === 'admin' && !ADMIN_SLUG.test(slug)) return 'Slug must contain only lowercase letters, numbers, and hyphens';
  return null;
}

/** `base`, then `base-1`, `base-2`… (kept within 32 characters) until `isTaken` says no. */
export async function uniqueSlug(base: string, isTaken: (slug: string) => Promise<boolean>): Promise<string> {
  for (let i = 0; ; i += 1) {
    const suffix = i === 0 ? '' : `-${i}`;
    const candidate = `${base.slice(0, SLUG_MAX - suffix.length).replace(/-+$/, '')}${suffix}`;
    if (!(await isTaken(candidate))) return candidate;
  }
}
