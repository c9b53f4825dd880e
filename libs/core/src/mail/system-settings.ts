import { randomUUID } from 'node:crypto';
import { fromDbJson, type SnackDatabase } from '@snackbase/db';
import { ensureSystemAccount, SYSTEM_ACCOUNT_ID } from '../accounts';
import type { AuditRecorder } from '../audit';
import type { Config } from '../config';
import { systemContext } from '../context';

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
 * With `audit` (bootstrap passes it) the insert is audited as a CREATE of `configurations` by
 * the bootstrap system context, in the same transaction; without it (specs of mail alone) it is
 * not. Returns whether it inserted.
 * @example await seedSystemSettings(db, config, audit);
 */
export async function seedSystemSettings(db: SnackDatabase, config: Config, audit?: AuditRecorder): Promise<boolean> {
  const settings = defaultSystemSettings(config);
  return db.transaction(async (trx) => {
    await ensureSystemAccount(trx);
    const row = {
      id: randomUUID(),
      account_id: SYSTEM_ACCOUNT_ID,
      category: CATEGORY,
      provider_name: PROVIDER,
      display_name: 'System Settings',
      enabled: true,
      is_builtin: true,
      is_system: true,
    };
    const result = await trx
      .insertInto('configurations')
      .values({ ...row, config: JSON.stringify(settings) })
      .onConflict((oc) => oc.columns(['account_id', 'category', 'provider_name']).doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) return false;
    // `config` as an object: the audit log redacts secret members of it (a provider's password).
    await audit?.record(trx, systemContext('bootstrap'), { operation: 'CREATE', table: 'configurations', recordId: row.id, after: { ...row, config: settings } });
    return true;
  });
}
