import { randomUUID } from 'node:crypto';
import { fromDbJson, type SnackDatabase } from '@snackbase/db';
import { ensureSystemAccount, SYSTEM_ACCOUNT_ID } from '../accounts';
import type { Config } from '../config';

/** The `system_settings/system` configuration (spec §10.4): what mails say and link to. */
export interface SystemSettings {
  readonly app_name: string;
  readonly app_url: string;
  readonly support_email: string;
}

const CATEGORY = 'system_settings';
const PROVIDER = 'system';

/** True for an absolute http(s) URL: the only kind of `app_url` links may be built from. */
export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * The effective system settings: the account's enabled row when `accountId` has one, else
 * the system row, else `fallback` (built from config). Each key falls back on its own, and an
 * `app_url` that is not an http(s) URL is ignored, so a typo can never produce `javascript:` links.
 */
export async function readSystemSettings(db: SnackDatabase, fallback: SystemSettings, accountId?: string): Promise<SystemSettings> {
  const owners = accountId && accountId !== SYSTEM_ACCOUNT_ID ? [accountId, SYSTEM_ACCOUNT_ID] : [SYSTEM_ACCOUNT_ID];
  const rows = await db.kysely
    .selectFrom('configurations')
    .select(['account_id', 'config'])
    .where('category', '=', CATEGORY)
    .where('provider_name', '=', PROVIDER)
    .where('enabled', '=', true)
    .where('account_id', 'in', owners)
    .execute();
  const row = rows.find((r) => r.account_id === owners[0]) ?? rows[0];
  const values = fromDbJson<Record<string, unknown>>(row?.config, {});
  const text = (key: keyof SystemSettings) => (typeof values[key] === 'string' ? (values[key] as string) : fallback[key]);
  return {
    app_name: text('app_name') || fallback.app_name,
    app_url: (isHttpUrl(values['app_url']) ? values['app_url'] : fallback.app_url).replace(/\/+$/, ''),
    support_email: text('support_email'),
  };
}

/** The settings to use when no row exists: `SNACKBASE_EXTERNAL_URL` is the link base. */
export function defaultSystemSettings(config: Config): SystemSettings {
  return { app_name: 'SnackBase', app_url: config.externalUrl, support_email: '' };
}

/**
 * Creates `system_settings/system` at first start (spec §0.4 step 6), with `app_url` =
 * `SNACKBASE_EXTERNAL_URL`. An existing row (maybe edited by the superadmin) is kept as is.
 * Returns whether it inserted.
 */
export async function seedSystemSettings(db: SnackDatabase, config: Config): Promise<boolean> {
  return db.transaction(async (trx) => {
    await ensureSystemAccount(trx);
    const result = await trx
      .insertInto('configurations')
      .values({
        id: randomUUID(),
        account_id: SYSTEM_ACCOUNT_ID,
        category: CATEGORY,
        provider_name: PROVIDER,
        display_name: 'System Settings',
        config: JSON.stringify(defaultSystemSettings(config)),
        enabled: true,
        is_builtin: true,
        is_system: true,
      })
      .onConflict((oc) => oc.columns(['account_id', 'category', 'provider_name']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  });
}
